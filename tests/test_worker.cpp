// SPDX-License-Identifier: MIT
// Core, no display: the coalescing worker behind every preview.
#include "coalescingworker.h"

#include <QtTest>

#include <atomic>
#include <future>
#include <memory>
#include <thread>
#include <vector>

using namespace latent;

class TestWorker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newerRequestReplacesPendingOne()
    {
        CoalescingWorker worker;
        std::promise<void> release;
        std::shared_future<void> gate = release.get_future().share();
        std::vector<int> ran;
        std::mutex m;
        std::promise<void> started;
        worker.submit("busy", [gate, &started] {
            started.set_value();
            gate.wait();
        }); // holds the thread
        started.get_future().wait();
        for (int i = 0; i < 5; ++i)
            worker.submit("render", [&, i] {
                std::lock_guard<std::mutex> l(m);
                ran.push_back(i);
            });
        worker.submit("other", [&] {
            std::lock_guard<std::mutex> l(m);
            ran.push_back(100);
        });
        QCOMPARE(worker.pendingCount(), 2);
        release.set_value();
        worker.waitForIdle();
        QCOMPARE(ran, (std::vector<int>{4, 100})); // only the newest render ran, in queue order
    }

    void survivesAThrowingJob()
    {
        CoalescingWorker worker;
        std::atomic<bool> after{false};
        worker.submit("a", [] { throw std::runtime_error("boom"); });
        worker.submit("b", [&] { after = true; });
        worker.waitForIdle();
        QVERIFY(after);
    }

    // Destroying the worker drops the jobs still queued and lets the running
    // one finish: exactly one of four jobs runs.
    void destructorDropsPendingWork()
    {
        std::atomic<int> count{0};
        auto worker = std::make_unique<CoalescingWorker>();
        std::promise<void> release;
        auto gate = release.get_future().share();
        std::promise<void> started;
        worker->submit("busy", [gate, &count, &started] {
            started.set_value();
            gate.wait();
            ++count;
        });
        started.get_future().wait();
        for (int i = 0; i < 3; ++i)
            worker->submit("t" + std::to_string(i), [&count] { ++count; });
        QCOMPARE(worker->pendingCount(), 3);
        // The destructor blocks on the running job; meanwhile it has cleared
        // the queue (nothing else could: the worker thread is in the job).
        CoalescingWorker *raw = worker.release();
        std::thread destroy([raw] { delete raw; });
        QTRY_VERIFY_WITH_TIMEOUT(raw->pendingCount() == 0, 10000);
        release.set_value();
        destroy.join();
        QCOMPARE(count.load(), 1);
    }
};

QTEST_APPLESS_MAIN(TestWorker)
#include "test_worker.moc"
