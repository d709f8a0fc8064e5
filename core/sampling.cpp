// SPDX-License-Identifier: MIT
#include "sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

namespace latent {

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
