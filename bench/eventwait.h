// SPDX-License-Identifier: MIT
#pragma once
// Waiting in a benchmark's main thread without spinning.
// QCoreApplication::processEvents(flags, ms) drops WaitForMoreEvents and
// returns as soon as no event is pending, so a loop around it keeps a core
// busy: on 2 cores that starved the studio's training threads (niced) in the
// soak runs, which trained at about 50 views/s instead of 600 or more.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

namespace latent::bench {

// Runs the event loop, blocked between events, until done() holds or
// timeoutMs pass; done() is checked every checkMs. Returns done().
template <typename Done> bool runEventsUntil(Done done, qint64 timeoutMs, int checkMs = 20)
{
    if (done()) return true;
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    QTimer check;
    check.setInterval(checkMs);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() >= timeoutMs) loop.quit();
    });
    check.start();
    loop.exec();
    return done();
}

} // namespace latent::bench
