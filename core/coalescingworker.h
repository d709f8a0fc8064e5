// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace latent {

// One worker thread running queued jobs in order. A job submitted with the
// tag of a job still pending replaces it in place, so a stream of requests
// (a dragged slider) never queues stale work: at most one pending job per tag.
// The destructor drops pending jobs and waits for the running one.
class CoalescingWorker
{
public:
    CoalescingWorker();
    ~CoalescingWorker();
    CoalescingWorker(const CoalescingWorker &) = delete;
    CoalescingWorker &operator=(const CoalescingWorker &) = delete;

    void submit(const std::string &tag, std::function<void()> job);
    // Blocks until every job submitted so far has run (for tests and shutdown).
    void waitForIdle();
    int pendingCount() const;

private:
    void run();

    struct Job
    {
        std::string tag;
        std::function<void()> fn;
    };
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Job> m_pending;
    bool m_busy = false;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace latent
