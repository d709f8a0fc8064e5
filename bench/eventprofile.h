// SPDX-License-Identifier: MIT
#pragma once
// What the UI thread did during a stall: an application whose notify()
// times every event delivered on the UI thread, at any nesting depth (a tab
// switch's show, layout and paint events arrive inside the timer event that
// switched), and keeps those of 5 ms or more (1 ms nested inside another)
// for a few seconds, so that a
// stall can list the events that ran inside it, with their receivers.

#include <QApplication>
#include <QMetaEnum>
#include <QPaintEvent>
#include <QString>
#include <QThread>

#include <ctime>
#include <deque>
#include <vector>

namespace latent::bench {

inline double monotonicMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

inline double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

class ProfilingApplication : public QApplication
{
public:
    struct Delivery
    {
        double endMs = 0, ms = 0, cpuMs = 0; // end on the monotonic clock; wall and UI CPU time
        int depth = 0;                       // 0: delivered by the event loop itself
        QString what;                        // "Class 'objectName' EventType"
    };

    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (QThread::currentThread() != thread()) return QApplication::notify(receiver, event);
        const int depth = m_depth++;
        const double t0 = monotonicMs(), c0 = threadCpuMs();
        // Described before delivery: a DeferredDelete destroys the receiver.
        const char *type = QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type());
        QString what = QStringLiteral("%1 '%2' %3")
                           .arg(receiver->metaObject()->className(), receiver->objectName(),
                                type ? type : "?");
        if (event->type() == QEvent::Paint) { // how much of the widget was painted
            const QRect r = static_cast<QPaintEvent *>(event)->region().boundingRect();
            what += QStringLiteral(" %1x%2").arg(r.width()).arg(r.height());
        }
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        const double t1 = monotonicMs();
        if (t1 - t0 >= (depth == 0 ? 5 : 1)) {
            m_recent.push_back({t1, t1 - t0, threadCpuMs() - c0, depth, what});
            while (!m_recent.empty() && m_recent.front().endMs < t1 - 5000)
                m_recent.pop_front();
        }
        return handled;
    }

    // The deliveries kept that overlap [fromMs, toMs], in order of end.
    std::vector<Delivery> within(double fromMs, double toMs) const
    {
        std::vector<Delivery> out;
        for (const Delivery &d : m_recent)
            if (d.endMs >= fromMs && d.endMs - d.ms <= toMs) out.push_back(d);
        return out;
    }

private:
    int m_depth = 0;
    std::deque<Delivery> m_recent;
};

} // namespace latent::bench
