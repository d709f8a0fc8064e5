// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace latent {

// Every user-facing failure in core is an Error whose message names the file
// (or field) and says what was wrong and what was expected.
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace latent
