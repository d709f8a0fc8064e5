// SPDX-License-Identifier: MIT
#pragma once
// The deterministic DDIM sampler of a diffusion generator (Song et al.
// 2021): the starting noise x_T is the latent, so the same latent, class and
// settings give the same image bit for bit. Internal to core (torch).

#include "generators/generatorinfo.h"

#include <torch/types.h>

#include <functional>
#include <vector>

namespace latent {

// The model's prediction (eps, v or x0 per DiffusionInfo) for x_t [N, C, H, W]
// float32, t [N] int64 and classes y [N] int64 (undefined when unconditional).
using Denoiser = std::function<torch::Tensor(const torch::Tensor &x, const torch::Tensor &t,
                                             const torch::Tensor &y)>;

// The timesteps visited, from T - 1 down: t_i = round(T - i T / steps) - 1
// (halves rounded up), i = 0 .. steps - 1.
std::vector<int> ddimTimesteps(int timesteps, int steps);

// x_0 [N, C, H, W] float32 from x_T (same shape): one denoiser call per step
// (two, batched, with guidance), the predicted x_0 clipped to [lo, hi] at
// each step. With guidance != 1 the unconditional half uses info.nullClass.
torch::Tensor ddimSample(const Denoiser &denoise, const DiffusionInfo &info,
                         const torch::Tensor &xT, const torch::Tensor &y,
                         const SamplerSettings &settings, float lo, float hi);

// Re-noise and denoise (SDEdit, Meng et al. 2022): images x0 [N, C, H, W]
// in [lo, hi] noised to timestep t0 = round(strength (T - 1)) with `noise`
// (same shape), x_t0 = sqrt(a) x0 + sqrt(1 - a) noise, then denoised by DDIM
// over t0 and the sampler's timesteps below it. strength 0 returns x0.
torch::Tensor renoiseAndDenoise(const Denoiser &denoise, const DiffusionInfo &info,
                                const torch::Tensor &x0, const torch::Tensor &y,
                                const torch::Tensor &noise, float strength,
                                const SamplerSettings &settings, float lo, float hi);

} // namespace latent
