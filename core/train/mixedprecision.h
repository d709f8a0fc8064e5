// SPDX-License-Identifier: MIT
#pragma once
// Mixed precision for a run: which reduced type the forward pass autocasts
// to on the run's device, and the loss scaling fp16 needs. Internal to core
// (torch).

#include "runtime.h"

#include <torch/types.h>

#include <string>
#include <vector>

namespace latent {

enum class Precision { Fp32, Bf16, Fp16 };
const char *toString(Precision p); // "fp32", "bf16", "fp16"

// `setting` is auto, fp32, bf16 or fp16. auto: bf16 where the device has
// native bfloat16 (a CPU with AVX512-BF16/AMX, a GPU of compute capability
// 8 or more), else fp16 on a GPU and fp32 on a CPU. Throws Error (naming
// `what`) for a type the device cannot run: bf16 on a CPU without it, fp16 on
// a CPU (CPU autocast has bfloat16 only).
Precision choosePrecision(const std::string &setting, const RunDevice &device,
                          const std::string &what);

// Autocasts the forward pass on `device` to `precision` while alive, as
// Python's torch.autocast does; nothing for fp32.
class Autocast
{
public:
    Autocast(Precision precision, const torch::Device &device);
    ~Autocast();
    Autocast(const Autocast &) = delete;
    Autocast &operator=(const Autocast &) = delete;

private:
    bool m_on = false;
    bool m_cuda = false;
};

// Dynamic loss scaling for fp16, as torch.cuda.amp.GradScaler: the loss is
// multiplied by the scale before backward so that small gradients do not
// flush to zero; the gradients are divided by it before the optimiser step,
// which is skipped when any of them is inf or NaN (the scale then halves);
// after `growthInterval` good steps in a row the scale doubles. Disabled, it
// changes nothing.
class GradScaler
{
public:
    explicit GradScaler(bool enabled, double initialScale = 65536.0, int growthInterval = 2000);
    bool enabled() const { return m_enabled; }
    double scale() const { return m_scale; }

    torch::Tensor scaled(const torch::Tensor &loss) const;
    // Divides the gradients by the scale; false when one is not finite
    // (skip the optimiser step). Call after the gradients are all-reduced,
    // so that every rank decides alike.
    bool unscale(const std::vector<torch::Tensor> &parameters) const;
    // After each step: `stepped` is what unscale returned.
    void update(bool stepped);

    // [scale, good steps in a row], float64, for checkpoints.
    torch::Tensor state() const;
    void setState(const torch::Tensor &state);

private:
    bool m_enabled;
    double m_scale;
    int m_growthInterval;
    int m_goodSteps = 0;
};

} // namespace latent
