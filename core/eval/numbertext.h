// SPDX-License-Identifier: MIT
#pragma once
// Numbers in reports (Markdown tables of the experiment and the report card).

#include <cmath>
#include <sstream>
#include <string>

namespace latent {

// `v` with `digits` decimals: 3.14159, 2 -> "3.14".
inline std::string fixedText(double v, int digits)
{
    std::ostringstream o;
    o.setf(std::ios::fixed);
    o.precision(digits);
    o << v;
    return o.str();
}

// A fraction in [0, 1] as percent without the sign: 0.8846 -> "88.5"; "–"
// for NaN (not measured).
inline std::string percentText(double fraction, int digits = 1)
{
    return std::isnan(fraction) ? "–" : fixedText(100 * fraction, digits);
}

} // namespace latent
