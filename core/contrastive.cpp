// SPDX-License-Identifier: MIT
#include "contrastive.h"

#include "error.h"

#include <torch/torch.h>

namespace latent {

at::Tensor supConLoss(const at::Tensor &features, const at::Tensor &labels, double temperature,
                      double baseTemperature)
{
    if (features.dim() != 3)
        throw Error("supConLoss: features must be [B, V, D], got " +
                    std::to_string(features.dim()) + " dimensions");
    const int64_t b = features.size(0), v = features.size(1);
    const auto f = features.reshape({b * v, features.size(2)}); // row i = sample i / V, view i % V
    const auto ids = labels.defined() ? labels.to(torch::kInt64).repeat_interleave(v)
                                      : torch::arange(b, torch::kInt64).repeat_interleave(v);
    const auto self = torch::eye(b * v, torch::TensorOptions().dtype(torch::kBool));
    auto logits = f.mm(f.t()) / temperature;                     // [N, N]
    logits = logits - std::get<0>(logits.max(1, true)).detach(); // stability; cancels below
    // log( exp(l_ip) / sum_{a != i} exp(l_ia) ), the diagonal left out of the sum.
    const auto denominator =
        logits.masked_fill(self, -std::numeric_limits<double>::infinity()).logsumexp(1, true);
    const auto logProb = logits - denominator;
    const auto positives =
        ids.unsqueeze(0).eq(ids.unsqueeze(1)).logical_and(self.logical_not()).to(f.dtype());
    const auto count = positives.sum(1);
    const auto meanLogProbPos =
        (positives * logProb).sum(1) / count.clamp_min(1.0); // 0 when no positive
    return (-(temperature / baseTemperature) * meanLogProbPos).mean();
}

} // namespace latent
