// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace at {
class Tensor;
}

namespace latent {

// [rows, cols] float32 from N(0, 1) truncated to [-t, t] by inverse-CDF
// sampling (exact, no rejection loop); t <= 0 gives an untruncated normal.
// Deterministic in `seed`.
at::Tensor truncatedNormal(std::int64_t rows, std::int64_t cols, float t, std::uint64_t seed);

} // namespace latent
