// SPDX-License-Identifier: MIT
// Latency from a slider change in the real explorer to the updated image on
// screen (the render thread, the queued hand-back and the repaint), against
// the bare render call measured in the same process as the reference.
// Run under a display: xvfb-run -a build/bench/bench_explorer
#include "coalescingworker.h"
#include "eventwait.h"
#include "explorerpanel.h"
#include "generators/generator.h"
#include "imagegridwidget.h"
#include "latentpadwidget.h"
#include "mainwindow.h"
#include "runtime.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {
double quantile(std::vector<double> v, double q)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
}
} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LatentStudioBench");
    latent::configureRuntime();
    latent::studio::MainWindow window;
    window.resize(1300, 860);
    window.show();
    window.showTab("explore");
    QSignalSpy loaded(&window, &latent::studio::MainWindow::generatorLoaded);
    window.openGenerator(LATENT_DEFAULT_GENERATOR);
    latent::bench::runEventsUntil([&] { return !loaded.isEmpty(); }, 120000);
    auto *explorer = window.explorerPanel();
    auto *slider = window.findChild<QSlider *>("direction0");

    QSignalSpy shown(explorer, &latent::studio::ExplorerPanel::imageShown);
    std::vector<double> ui, setMs, waitMs, withPad;
    for (int i = 0; i < 440; ++i) {
        if (i == 220) { // second half: the latent pad window open, following slider 0
            window.findChild<QPushButton *>("showLatentPad")->click();
            QTest::qWait(500);
        }
        shown.clear();
        QElapsedTimer t;
        t.start();
        slider->setValue((i % 2 ? 1 : -1) * (10 + i % 80));
        const double set = t.nsecsElapsed() / 1e6;
        if (shown.isEmpty()) shown.wait(10000); // blocks in an event loop until the image
        const double wait = t.nsecsElapsed() / 1e6;
        explorer->imageView()->repaint(); // include the paint in the measurement
        if (i >= 240)
            withPad.push_back(t.nsecsElapsed() / 1e6);
        else if (i >= 20 && i < 220) {
            ui.push_back(t.nsecsElapsed() / 1e6);
            setMs.push_back(set);
            waitMs.push_back(wait - set);
        }
    }

    // Reference: the render alone, same latent size, same thread count.
    const auto gen = latent::Generator::load(LATENT_DEFAULT_GENERATOR);
    const auto z = gen->latentValues({1, 1, 2.0f, -1});
    std::vector<double> bare;
    for (int i = 0; i < 220; ++i) {
        QElapsedTimer t;
        t.start();
        gen->render(z, {0});
        if (i >= 20) bare.push_back(t.nsecsElapsed() / 1e6);
    }
    std::vector<float> z10;
    for (int i = 0; i < 10; ++i)
        z10.insert(z10.end(), z.begin(), z.end());
    std::vector<double> bare10;
    for (int i = 0; i < 220; ++i) {
        QElapsedTimer t;
        t.start();
        gen->render(z10, std::vector<int>(10, 0));
        if (i >= 20) bare10.push_back(t.nsecsElapsed() / 1e6);
    }
    // The same render through a worker thread and a queued hand-back.
    latent::CoalescingWorker worker;
    std::vector<double> trip, inJob;
    for (int i = 0; i < 220; ++i) {
        QElapsedTimer t;
        t.start();
        QEventLoop back;
        double jobMs = 0;
        worker.submit("r", [&] {
            QElapsedTimer j;
            j.start();
            gen->render(z10, std::vector<int>(10, 0));
            jobMs = j.nsecsElapsed() / 1e6;
            QMetaObject::invokeMethod(&back, &QEventLoop::quit, Qt::QueuedConnection);
        });
        back.exec(); // the queued quit ends it, however soon the job returns
        if (i >= 20) trip.push_back(t.nsecsElapsed() / 1e6), inJob.push_back(jobMs);
    }
    std::printf("worker round trip of that batch: median %.2f ms (%.2f ms inside the job)\n",
                quantile(trip, 0.5), quantile(inJob, 0.5));
    std::printf("bare render of the image and its 3x3 neighbourhood: median %.2f ms\n",
                quantile(bare10, 0.5));
    const double med = quantile(ui, 0.5), p95 = quantile(ui, 0.95), ref = quantile(bare, 0.5);
    std::printf("slider change -> image on screen: median %.2f ms, p95 %.2f ms (%zu changes)\n",
                med, p95, ui.size());
    std::printf("  split (medians): slider handling %.2f ms, until the image arrives %.2f ms, "
                "paint %.2f ms\n",
                quantile(setMs, 0.5), quantile(waitMs, 0.5),
                med - quantile(setMs, 0.5) - quantile(waitMs, 0.5));
    std::printf("bare render of one image (reference): median %.2f ms\n", ref);
    std::printf("UI overhead ratio (median UI / median bare): %.2fx\n", med / ref);
    std::printf("with the latent pad window open (pad and 3x3 neighbourhood follow): median %.2f "
                "ms, p95 %.2f ms\n",
                quantile(withPad, 0.5), quantile(withPad, 0.95));
    std::printf("targets: median < 16 ms -> %s; p95 < 33 ms -> %s\n", med < 16 ? "met" : "missed",
                p95 < 33 ? "met" : "missed");
    return 0;
}
