// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace latent {

// "4m05s", "2h07m"; "--" for unknown or negative times (ETAs before the
// first step). The CLI and the studio show times the same way.
inline std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) return "--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    return buf;
}

} // namespace latent
