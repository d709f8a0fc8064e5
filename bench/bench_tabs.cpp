// SPDX-License-Identifier: MIT
// What a switch to each tab of the real window costs the UI thread (show
// events, layout, the synchronous repaint of the window and its flush), with
// nothing training beside it, against a repaint of the same tab without a
// switch, measured in the same process: the soak's remaining stalls are tab
// switches, and this tells which tab and which part. Rounds alternate the
// studio as it runs with variants that each undo one of its paint choices
// (Qt's raster thread pool at Qt's size; Fusion's framed group boxes and tab
// pages) and print the ratios.
// Run under a display: xvfb-run -a -s '-screen 0 1280x800x24' build/bench/bench_tabs [ROUNDS]
#include "eventwait.h"
#include "mainwindow.h"
#include "uiruntime.h"

#include <QApplication>
#include <QGroupBox>
#include <QSignalSpy>
#include <QStringList>
#include <QTabWidget>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <vector>

namespace {
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double quantile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
}

struct Samples
{
    std::vector<double> switchMs, switchCpuMs, showCpuMs, repaintMs, repaintCpuMs;
};

struct Timing
{
    double ms = 0, cpuMs = 0, showCpuMs = 0; // showCpuMs: before the paint
};

// Runs `work`, then every event it posted, then a synchronous repaint of the
// whole window (which flushes it to the screen).
template <typename Work> Timing timed(QWidget &window, Work work)
{
    const double cpu0 = threadCpuMs();
    timespec w0{}, w1{};
    clock_gettime(CLOCK_MONOTONIC, &w0);
    work();
    QCoreApplication::sendPostedEvents();
    const double shown = threadCpuMs();
    window.repaint();
    QCoreApplication::processEvents();
    clock_gettime(CLOCK_MONOTONIC, &w1);
    return {(w1.tv_sec - w0.tv_sec) * 1e3 + (w1.tv_nsec - w0.tv_nsec) / 1e6, threadCpuMs() - cpu0,
            shown - cpu0};
}
} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LatentStudioBench");
    const int rounds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 30;
    latent::studio::configureStudioRuntime();
    latent::studio::MainWindow window;
    window.resize(1300, 860);
    window.show();
    QSignalSpy loaded(&window, &latent::studio::MainWindow::generatorLoaded);
    window.openGenerator(LATENT_DEFAULT_GENERATOR);
    latent::bench::runEventsUntil([&] { return !loaded.isEmpty(); }, 120000);

    const QStringList tabs{"samples", "explore", "views", "train", "runs"};
    // A page's minimum height drives the window's: a page whose minimum
    // changes while it runs (a wrapped status line) resizes the whole window.
    if (auto *pages = window.findChild<QTabWidget *>("tabs")) {
        std::printf("window minimum %dx%d; pages:", window.minimumSizeHint().width(),
                    window.minimumSizeHint().height());
        for (int i = 0; i < pages->count(); ++i)
            std::printf(" %s %dx%d (%lld widgets)", qPrintable(tabs.value(i)),
                        pages->widget(i)->minimumSizeHint().width(),
                        pages->widget(i)->minimumSizeHint().height(),
                        static_cast<long long>(pages->widget(i)->findChildren<QWidget *>().size()));
        std::printf("\n");
    }
    std::map<QString, Timing> first;
    for (const QString &tab : tabs) { // each tab's very first show
        first[tab] = timed(window, [&] { window.showTab(tab); });
        latent::bench::runEventsUntil([] { return false; }, 300); // its renders land
    }
    // The studio as it runs (app/studio/uiruntime.h, widgethelpers.h) is the
    // reference; each variant undoes one of its paint choices. Rounds cycle
    // through all of them, so that the machine's drift affects each alike.
    const int qtThreads = QThread::idealThreadCount(); // Qt's own pool size
    const auto setPool = [](int threads) {
        QThreadPool::globalInstance()->setMaxThreadCount(threads);
    };
    const auto setFusionFrames = [&](bool framed) {
        for (auto *box : window.findChildren<QGroupBox *>())
            box->setFlat(!framed);
        for (auto *pages : window.findChildren<QTabWidget *>())
            pages->setDocumentMode(!framed);
    };
    struct Variant
    {
        QString name;
        std::function<void(bool)> apply; // true: the variant, false: back to the studio
    };
    const std::vector<Variant> variants{
        {"the studio as it runs", [](bool) {}},
        {QString("Qt's default raster pool (%1 threads)").arg(qtThreads),
         [&](bool on) { setPool(on ? qtThreads : latent::studio::kRasterPoolThreads); }},
        {"Fusion's framed group boxes and tab pages", setFusionFrames},
    };
    std::map<std::pair<int, QString>, Samples> samples;
    for (int r = 0; r < rounds; ++r)
        for (int v = 0; v < int(variants.size()); ++v) {
            variants[v].apply(true);
            for (const QString &tab : tabs) // laid out anew, untimed
                timed(window, [&] { window.showTab(tab); });
            for (const QString &tab : tabs) {
                Samples &s = samples[{v, tab}];
                const Timing sw = timed(window, [&] { window.showTab(tab); });
                s.switchMs.push_back(sw.ms);
                s.switchCpuMs.push_back(sw.cpuMs);
                s.showCpuMs.push_back(sw.showCpuMs);
                const Timing rp = timed(window, [] {});
                s.repaintMs.push_back(rp.ms);
                s.repaintCpuMs.push_back(rp.cpuMs);
            }
            variants[v].apply(false);
        }

    std::printf("tab switches of the real window, %d rounds, 1300x860, nothing training; the\n"
                "reference is a repaint of the same tab without a switch (same process)\n",
                rounds);
    for (int v = 0; v < int(variants.size()); ++v) {
        std::printf("\n%s\n", qPrintable(variants[v].name));
        std::printf("%-8s %9s | %9s %9s %9s %9s | %9s %9s | %7s\n", "tab", "first ms", "switch",
                    "p95", "UI CPU", "unpainted", "repaint", "UI CPU", "ratio");
        for (const QString &tab : tabs) {
            const Samples &s = samples[{v, tab}];
            const double sw = quantile(s.switchMs, 0.5), rp = quantile(s.repaintMs, 0.5);
            // The first shows ran once, before the rounds, as the studio runs.
            std::printf("%-8s %9s | %9.1f %9.1f %9.1f %9.1f | %9.1f %9.1f | %6.2fx\n",
                        qPrintable(tab),
                        v == 0 ? qPrintable(QString::number(first[tab].ms, 'f', 1)) : "-", sw,
                        quantile(s.switchMs, 0.95), quantile(s.switchCpuMs, 0.5),
                        quantile(s.showCpuMs, 0.5), rp, quantile(s.repaintCpuMs, 0.5),
                        sw / std::max(rp, 1e-3));
        }
    }
    const auto ratio = [](const std::vector<double> &studio, const std::vector<double> &other) {
        return quantile(studio, 0.5) / std::max(quantile(other, 0.5), 1e-3);
    };
    for (int v = 1; v < int(variants.size()); ++v) {
        std::printf("\nthe studio against %s (medians; below 1.00x: the studio is faster)\n",
                    qPrintable(variants[v].name));
        std::printf("%-8s %9s %9s %9s %9s\n", "tab", "switch", "its CPU", "repaint", "its CPU");
        for (const QString &tab : tabs) {
            const Samples &a = samples[{0, tab}], &b = samples[{v, tab}];
            std::printf("%-8s %8.2fx %8.2fx %8.2fx %8.2fx\n", qPrintable(tab),
                        ratio(a.switchMs, b.switchMs), ratio(a.switchCpuMs, b.switchCpuMs),
                        ratio(a.repaintMs, b.repaintMs), ratio(a.repaintCpuMs, b.repaintCpuMs));
        }
    }
    std::printf("\n(switch and repaint: medians, ms of wall time; UI CPU: the UI thread's CPU ms;\n"
                "ratio: a switch against a repaint of the same tab)\n");
    return 0;
}
