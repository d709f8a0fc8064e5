// SPDX-License-Identifier: MIT
#include "generators/sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>

namespace latent {
namespace {

// splitmix64's finaliser: a bijection that spreads nearby inputs apart.
std::uint64_t mix(std::uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

} // namespace

std::uint64_t stepSeed(std::uint64_t runSeed, std::int64_t step)
{
    return mix(runSeed * 0x9E3779B97F4A7C15ull + std::uint64_t(step) + 0x632BE59BD9B4E019ull);
}

std::uint64_t streamSeed(std::uint64_t seed, const char *stream)
{
    std::uint64_t h = 0xCBF29CE484222325ull; // FNV-1a of the name
    for (const char *c = stream; *c; ++c)
        h = (h ^ std::uint8_t(*c)) * 0x100000001B3ull;
    return mix(seed ^ mix(h));
}

at::Tensor truncatedNormal(std::int64_t rows, std::int64_t cols, float t, std::uint64_t seed)
{
    auto gen = at::detail::createCPUGenerator(seed);
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    if (t <= 0.0f) return torch::randn({rows, cols}, gen, f64).to(torch::kFloat32);
    // u ~ U(Phi(-t), Phi(t)); z = Phi^-1(u) = sqrt(2) erfinv(2u - 1). Double
    // precision keeps the tails right for large t.
    const double lo = 0.5 * std::erfc(t / std::sqrt(2.0)); // Phi(-t)
    const double hi = 1.0 - lo;
    auto u = torch::rand({rows, cols}, gen, f64) * (hi - lo) + lo;
    auto z = torch::erfinv(u * 2.0 - 1.0) * std::sqrt(2.0);
    return z.clamp(-t, t).to(torch::kFloat32);
}

} // namespace latent
