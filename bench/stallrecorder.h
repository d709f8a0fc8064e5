// SPDX-License-Identifier: MIT
#pragma once
// Event-loop stalls as the user feels them: a 2 ms precise timer records
// the gaps between its ticks; a stall is a gap beyond the interval.

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <vector>

namespace latent::bench {

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
            m_gaps.push_back((now - m_last) / 1e6);
            m_last = now;
            if (onGap) onGap(m_gaps.back());
        });
    }
    void start()
    {
        m_gaps.clear();
        m_clock.start();
        m_last = m_clock.nsecsElapsed();
        m_tick.start(2);
    }
    void stop() { m_tick.stop(); }
    // Called with every gap as it is measured (for attributing stalls).
    std::function<void(double ms)> onGap;
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
    std::vector<double> m_gaps;
};

} // namespace latent::bench
