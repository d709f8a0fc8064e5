// SPDX-License-Identifier: MIT
#include "train/contrastive.h"

#include "error.h"

#include <torch/types.h>
#include <torch/utils.h>

namespace latent {

at::Tensor supConLoss(const at::Tensor &features, const at::Tensor &labels, double temperature,
                      double baseTemperature)
{
    if (features.dim() != 3)
        throw Error("supConLoss: features must be [B, V, D], got " +
                    std::to_string(features.dim()) + " dimensions");
    const int64_t b = features.size(0), v = features.size(1);
    const auto f = features.reshape({b * v, features.size(2)}); // row i = sample i / V, view i % V
    // Every tensor made here lives on the features' device.
    const auto onDevice = features.options().dtype(torch::kInt64);
    const auto perSample = labels.defined() ? labels.to(onDevice) : torch::arange(b, onDevice);
    const auto ids = perSample.unsqueeze(1).expand({b, v}).reshape({b * v}); // [N]
    const auto self = torch::eye(b * v, features.options().dtype(torch::kBool));
    const auto logits = f.mm(f.t()) / temperature; // [N, N]
    // log( exp(l_ip) / sum_{a != i} exp(l_ia) ): the diagonal is left out of
    // the sum, whose largest term is factored out for stability.
    const auto others = logits.masked_fill(self, -std::numeric_limits<double>::infinity());
    const auto shift = std::get<0>(others.max(1, true)).detach(); // [N, 1]
    const auto logDenominator = (others - shift).exp().sum(1, true).log() + shift;
    const auto logProb = logits - logDenominator;
    // Same id, not itself (the diagonal always has the same id).
    const auto positives =
        ids.unsqueeze(0).eq(ids.unsqueeze(1)).to(f.dtype()) - self.to(f.dtype()); // [N, N]
    const auto count = positives.sum(1);
    const auto meanLogProbPos =
        (positives * logProb).sum(1) / count.clamp_min(1.0); // 0 when no positive
    return (-(temperature / baseTemperature) * meanLogProbPos).mean();
}

} // namespace latent
