// SPDX-License-Identifier: MIT
#include "uiruntime.h"

#include "runtime.h"

#include <QThreadPool>

namespace latent::studio {

void configureStudioRuntime()
{
    configureRuntime();
    setBackgroundNiceness(kInteractiveBackgroundNiceness); // docs/soak.md
    requestShortTimeSlices();                              // docs/soak.md
    QThreadPool::globalInstance()->setMaxThreadCount(kRasterPoolThreads);
}

} // namespace latent::studio
