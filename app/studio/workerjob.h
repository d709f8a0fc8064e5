// SPDX-License-Identifier: MIT
#pragma once

#include "coalescingworker.h"

#include <QCoreApplication>
#include <QPointer>
#include <QString>

#include <exception>
#include <string>

namespace latent::studio {

// Runs `work()` on `worker` (`tag` coalesces as in CoalescingWorker::submit)
// and hands its result, or the message of what it threw, to
// `done(result, error)` on the UI thread, unless `context` is gone by then.
// `done` may capture `context` as a raw pointer.
template <typename Work, typename Done>
void runJob(CoalescingWorker &worker, const std::string &tag, QObject *context, Work work,
            Done done)
{
    using Result = decltype(work());
    QPointer<QObject> guard(context);
    worker.submit(tag, [guard, work, done] {
        Result result{};
        QString error;
        try {
            result = work();
        } catch (const std::exception &e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            qApp,
            [guard, done, result = std::move(result), error] {
                if (guard) done(result, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace latent::studio
