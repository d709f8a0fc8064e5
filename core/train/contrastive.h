// SPDX-License-Identifier: MIT
#pragma once

namespace at {
class Tensor;
}

namespace latent {

// SupCon loss (Khosla et al. 2020) as written in docs: for every anchor i of
// the B*V views, with P(i) its positives (other views of the same sample, or
// of the same label when labels are given) and A(i) every view but i:
//   L_i = -(tau / tau_b) * mean_{p in P(i)} log( exp(f_i.f_p / tau) / sum_{a in A(i)} exp(f_i.f_a /
//   tau) )
// Anchors with no positive contribute 0; the result is the mean of L_i over
// all B*V anchors. Without labels this is SimCLR's NT-Xent (scaled by tau/tau_b).
// features: [B, V, D], L2-normalised along D; labels: [B] int64, or an
// undefined tensor for SimCLR. Differentiable.
at::Tensor supConLoss(const at::Tensor &features, const at::Tensor &labels,
                      double temperature = 0.1, double baseTemperature = 0.07);

} // namespace latent
