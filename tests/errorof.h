// SPDX-License-Identifier: MIT
#pragma once
// The message of the latent::Error that `f()` throws, empty when it throws none.

#include "error.h"

#include <QString>

namespace latent::test {

template <typename F> QString errorOf(F f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace latent::test
