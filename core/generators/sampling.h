// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace at {
class Tensor;
}

namespace latent {

// Random numbers of a training run come in named streams. The seed of step s
// is stepSeed(run seed, s), so a resumed run sees the batches an
// uninterrupted one would; each random quantity of the step (anchor latents,
// anchor classes, Gaussian view noise, each steered walk's amplitudes, pixel
// augmentations, real-image indices) draws from its own stream,
// streamSeed(step seed, name), so no two quantities share numbers. Within a
// stream, the draws are made for the whole global batch and sample i takes
// row i: its numbers depend on (run seed, step, stream, i) and the global
// batch size, never on the rank or the number of ranks.
std::uint64_t stepSeed(std::uint64_t runSeed, std::int64_t step);
std::uint64_t streamSeed(std::uint64_t seed, const char *stream);

// Rows [first, first + count) of a batch of `total` samples: one rank's share
// of a data-parallel step. The default is the whole batch.
struct SampleSlice
{
    std::int64_t first = 0;
    std::int64_t total = -1; // -1: the whole batch, whatever its size
    bool whole() const { return total < 0; }
};

// [rows, cols] float32 from N(0, 1) truncated to [-t, t] by inverse-CDF
// sampling (exact, no rejection loop); t <= 0 gives an untruncated normal.
// Deterministic in `seed`.
at::Tensor truncatedNormal(std::int64_t rows, std::int64_t cols, float t, std::uint64_t seed);

} // namespace latent
