// SPDX-License-Identifier: MIT
// What a switch to each tab of the real window costs the UI thread (show
// events, layout, the synchronous repaint of the window and its flush), with
// nothing training beside it, against a repaint of the same tab without a
// switch, measured in the same process: the soak's remaining stalls are tab
// switches, and this tells which tab and which part. Rounds alternate Qt's
// raster thread pool at Qt's default size and at the studio's cap
// (app/studio/uiruntime.h) and print the ratio.
// Run under a display: xvfb-run -a -s '-screen 0 1280x800x24' build/bench/bench_tabs [ROUNDS]
#include "eventwait.h"
#include "mainwindow.h"
#include "runtime.h"

#include <QApplication>
#include <QSignalSpy>
#include <QStringList>
#include <QTabWidget>
#include <QThreadPool>

#include <algorithm>
#include <cstdio>
#include <ctime>
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
    latent::configureRuntime();
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
            std::printf(" %s %dx%d", qPrintable(tabs.value(i)),
                        pages->widget(i)->minimumSizeHint().width(),
                        pages->widget(i)->minimumSizeHint().height());
        std::printf("\n");
    }
    std::map<QString, Timing> first;
    for (const QString &tab : tabs) { // each tab's very first show
        first[tab] = timed(window, [&] { window.showTab(tab); });
        latent::bench::runEventsUntil([] { return false; }, 300); // its renders land
    }
    // Qt's raster engine splits every fill of 96 or more spans (a tall
    // widget outline, a panel) into segments for QThreadPool::globalInstance
    // and waits for them; the studio caps that pool at one thread
    // (app/studio/uiruntime.h). Rounds alternate Qt's own count and the cap.
    const int qtThreads = QThreadPool::globalInstance()->maxThreadCount();
    const std::vector<int> poolThreads{qtThreads, 1};
    std::map<std::pair<int, QString>, Samples> samples;
    for (int r = 0; r < rounds; ++r)
        for (const int threads : poolThreads) {
            QThreadPool::globalInstance()->setMaxThreadCount(threads);
            for (const QString &tab : tabs) {
                Samples &s = samples[{threads, tab}];
                const Timing sw = timed(window, [&] { window.showTab(tab); });
                s.switchMs.push_back(sw.ms);
                s.switchCpuMs.push_back(sw.cpuMs);
                s.showCpuMs.push_back(sw.showCpuMs);
                const Timing rp = timed(window, [] {});
                s.repaintMs.push_back(rp.ms);
                s.repaintCpuMs.push_back(rp.cpuMs);
            }
        }

    std::printf("tab switches of the real window, %d rounds, 1300x860, nothing training; the\n"
                "reference is a repaint of the same tab without a switch (same process)\n",
                rounds);
    for (const int threads : poolThreads) {
        std::printf("\nQt's raster thread pool at %d thread(s)%s\n", threads,
                    threads == qtThreads ? " (Qt's default)" : " (the studio's cap)");
        std::printf("%-8s %9s | %9s %9s %9s %9s | %9s %9s | %7s\n", "tab", "first ms", "switch",
                    "p95", "UI CPU", "unpainted", "repaint", "UI CPU", "ratio");
        for (const QString &tab : tabs) {
            const Samples &s = samples[{threads, tab}];
            const double sw = quantile(s.switchMs, 0.5), rp = quantile(s.repaintMs, 0.5);
            // The first shows ran once, before the rounds, at Qt's default.
            std::printf(
                "%-8s %9s | %9.1f %9.1f %9.1f %9.1f | %9.1f %9.1f | %6.2fx\n", qPrintable(tab),
                threads == qtThreads ? qPrintable(QString::number(first[tab].ms, 'f', 1)) : "-", sw,
                quantile(s.switchMs, 0.95), quantile(s.switchCpuMs, 0.5),
                quantile(s.showCpuMs, 0.5), rp, quantile(s.repaintCpuMs, 0.5),
                sw / std::max(rp, 1e-3));
        }
    }
    std::printf("\ncapped against Qt's default (medians; below 1.00x: the cap is faster)\n");
    std::printf("%-8s %9s %9s %9s %9s\n", "tab", "switch", "its CPU", "repaint", "its CPU");
    for (const QString &tab : tabs) {
        const Samples &a = samples[{qtThreads, tab}], &b = samples[{1, tab}];
        const auto ratio = [](const std::vector<double> &x, const std::vector<double> &y) {
            return quantile(y, 0.5) / std::max(quantile(x, 0.5), 1e-3);
        };
        std::printf("%-8s %8.2fx %8.2fx %8.2fx %8.2fx\n", qPrintable(tab),
                    ratio(a.switchMs, b.switchMs), ratio(a.switchCpuMs, b.switchCpuMs),
                    ratio(a.repaintMs, b.repaintMs), ratio(a.repaintCpuMs, b.repaintCpuMs));
    }
    std::printf("\n(switch and repaint: medians, ms of wall time; UI CPU: the UI thread's CPU ms;\n"
                "ratio: a switch against a repaint of the same tab)\n");
    return 0;
}
