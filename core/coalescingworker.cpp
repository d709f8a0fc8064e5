// SPDX-License-Identifier: MIT
#include "coalescingworker.h"

#include <cstdio>
#include <exception>

namespace latent {

CoalescingWorker::CoalescingWorker() : m_thread([this] { run(); }) {}

CoalescingWorker::~CoalescingWorker()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
        m_pending.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

void CoalescingWorker::submit(const std::string &tag, std::function<void()> job)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (Job &pending : m_pending) {
            if (pending.tag == tag) {
                pending.fn = std::move(job);
                return;
            }
        }
        m_pending.push_back({tag, std::move(job)});
    }
    m_wake.notify_one();
}

void CoalescingWorker::waitForIdle()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [this] { return m_stop || (m_pending.empty() && !m_busy); });
}

int CoalescingWorker::pendingCount() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return static_cast<int>(m_pending.size());
}

void CoalescingWorker::run()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_pending.empty(); });
        if (m_stop) break;
        Job job = std::move(m_pending.front());
        m_pending.pop_front();
        m_busy = true;
        lock.unlock();
        try {
            job.fn();
        } catch (const std::exception &e) {
            // Jobs report their own errors; this only keeps a stray one from
            // ending the process.
            std::fprintf(stderr, "latent: unhandled error in worker job '%s': %s\n",
                         job.tag.c_str(), e.what());
        }
        lock.lock();
        m_busy = false;
        if (m_pending.empty()) m_idle.notify_all();
    }
    m_idle.notify_all();
}

} // namespace latent
