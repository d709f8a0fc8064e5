// SPDX-License-Identifier: MIT
#pragma once
// Event-loop stalls as the user feels them: a 2 ms precise timer records
// the gaps between its ticks; a stall is a gap beyond the interval. Each gap
// is split by the kernel's accounting of the UI thread
// (/proc/thread-self/schedstat): time on a CPU (the studio's own work),
// time runnable but waiting for a CPU (other threads had the cores), and
// the rest asleep or blocked (page faults, locks, the X server). Major page
// faults are counted apart: a stall full of them is the UI thread reading
// evicted code or data back from disk (on a VM, the host dropping the
// guest's page cache before a snapshot does that to every process).

#include <QElapsedTimer>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace latent::bench {

// Nanoseconds the calling thread has run and waited to run, and its major
// page faults; zeros where the kernel does not keep them.
struct SchedTimes
{
    double runNs = 0, waitNs = 0;
    long majorFaults = 0;
    static SchedTimes ofThisThread()
    {
        SchedTimes t;
        if (FILE *f = std::fopen("/proc/thread-self/schedstat", "r")) {
            if (std::fscanf(f, "%lf %lf", &t.runNs, &t.waitNs) != 2) t.runNs = t.waitNs = 0;
            std::fclose(f);
        }
        rusage usage{};
        if (::getrusage(RUSAGE_THREAD, &usage) == 0) t.majorFaults = usage.ru_majflt;
        return t;
    }
};

// One gap between ticks, in milliseconds, and how the UI thread spent it.
struct Gap
{
    double ms = 0, onCpuMs = 0, waitingMs = 0;
    long majorFaults = 0;
    double blockedMs() const { return std::max(0.0, ms - onCpuMs - waitingMs); }
};

struct Stalls
{
    double maxMs = 0, p99Ms = 0, medianMs = 0;
    int ticks = 0;
};

class StallRecorder
{
public:
    StallRecorder()
    {
        m_tick.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_tick, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const SchedTimes sched = SchedTimes::ofThisThread();
            const Gap gap{(now - m_last) / 1e6, (sched.runNs - m_sched.runNs) / 1e6,
                          (sched.waitNs - m_sched.waitNs) / 1e6,
                          sched.majorFaults - m_sched.majorFaults};
            m_gaps.push_back(gap.ms);
            m_last = now;
            m_sched = sched;
            if (onGap) onGap(gap);
        });
    }
    void start()
    {
        m_gaps.clear();
        m_clock.start();
        m_last = m_clock.nsecsElapsed();
        m_sched = SchedTimes::ofThisThread();
        m_tick.start(2);
    }
    void stop() { m_tick.stop(); }
    // Called with every gap as it is measured (for attributing stalls).
    std::function<void(const Gap &)> onGap;
    // The gaps since start() or the last take(), summarised; starts a new period.
    Stalls take()
    {
        std::vector<double> gaps;
        gaps.swap(m_gaps);
        std::sort(gaps.begin(), gaps.end());
        Stalls s;
        s.ticks = static_cast<int>(gaps.size());
        if (gaps.empty()) return s;
        s.maxMs = gaps.back();
        s.p99Ms = gaps[gaps.size() * 99 / 100];
        s.medianMs = gaps[gaps.size() / 2];
        return s;
    }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    SchedTimes m_sched;
    std::vector<double> m_gaps;
};

} // namespace latent::bench
