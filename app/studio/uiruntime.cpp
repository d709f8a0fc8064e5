// SPDX-License-Identifier: MIT
#include "uiruntime.h"

#include "runtime.h"

#include <QThreadPool>

namespace latent::studio {

bool configureStudioRuntime()
{
    configureRuntime();
    setBackgroundNiceness(kInteractiveBackgroundNiceness); // docs/soak.md
    QThreadPool::globalInstance()->setMaxThreadCount(kRasterPoolThreads);
    return requestShortTimeSlices(); // docs/soak.md
}

} // namespace latent::studio
