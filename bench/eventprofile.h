// SPDX-License-Identifier: MIT
#pragma once
// What the UI thread did during a stall: an application whose notify()
// times every event delivered on the UI thread, at any nesting depth (a tab
// switch's show, layout and paint events arrive inside the timer event that
// switched), and keeps those of 5 ms or more (1 ms nested inside another)
// for a few seconds, so that a stall can list the events that ran inside
// it, with their receivers and, for top-level and paint events, the UI
// thread's CPU time.

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
        double endMs = 0, ms = 0; // end on the monotonic clock; wall time
        double cpuMs = -1;        // UI CPU time; for top-level and paint events only, else -1
        int depth = 0;            // 0: delivered by the event loop itself
        QString what;             // "Class 'objectName' EventType"
    };

    using QApplication::QApplication;

    // Cheap for the events it does not keep (a tab switch delivers thousands):
    // the monotonic clock is read in user space, the thread's CPU clock is a
    // system call and is read around top-level deliveries and paint events
    // only, and the description is formatted only for an event that is kept.
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (QThread::currentThread() != thread()) return QApplication::notify(receiver, event);
        const int depth = m_depth++;
        const QEvent::Type type = event->type();
        const bool timeCpu = depth == 0 || type == QEvent::Paint;
        const double t0 = monotonicMs(), c0 = timeCpu ? threadCpuMs() : 0;
        // Taken before delivery: a DeferredDelete destroys the receiver.
        const char *className = receiver->metaObject()->className();
        const QString name = receiver->objectName();
        const QRect painted = type == QEvent::Paint
                                  ? static_cast<QPaintEvent *>(event)->region().boundingRect()
                                  : QRect();
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        const double t1 = monotonicMs();
        if (t1 - t0 >= (depth == 0 ? 5 : 1)) {
            const char *typeName = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
            QString what = QStringLiteral("%1 '%2' %3")
                               .arg(QLatin1String(className), name, typeName ? typeName : "?");
            if (type == QEvent::Paint) // how much of the widget was painted
                what += QStringLiteral(" %1x%2").arg(painted.width()).arg(painted.height());
            m_recent.push_back(
                {t1, t1 - t0, timeCpu ? threadCpuMs() - c0 : -1.0, depth, std::move(what)});
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
