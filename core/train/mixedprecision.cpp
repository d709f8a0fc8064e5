// SPDX-License-Identifier: MIT
#include "train/mixedprecision.h"

#include "error.h"

#include <ATen/autocast_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>

namespace latent {

const char *toString(Precision p)
{
    switch (p) {
    case Precision::Bf16:
        return "bf16";
    case Precision::Fp16:
        return "fp16";
    case Precision::Fp32:
        break;
    }
    return "fp32";
}

namespace {

// Compute capability 8 or more (Ampere): cuDNN convolutions and cuBLAS
// matrix products in bfloat16. The hook asks the current device; the GPUs
// of one machine are assumed alike.
bool gpuHasBf16()
{
    return at::detail::getCUDAHooks().supportsBFloat16ConvolutionWithCuDNNv8();
}

} // namespace

Precision choosePrecision(const std::string &setting, const RunDevice &device,
                          const std::string &what)
{
    if (setting == "fp32") return Precision::Fp32;
    if (device.cuda) {
        if (setting == "fp16") return Precision::Fp16;
        if (setting == "bf16") {
            if (!gpuHasBf16())
                throw Error(what + " is bf16 but GPU " + std::to_string(device.index) +
                            " has no bfloat16 arithmetic (compute capability 8 or more); use "
                            "auto, fp16 or fp32");
            return Precision::Bf16;
        }
        if (setting == "auto") return gpuHasBf16() ? Precision::Bf16 : Precision::Fp16;
    } else {
        if (setting == "fp16")
            throw Error(what + " is fp16, which needs a GPU (autocast on a CPU has bfloat16 "
                               "only); use auto, bf16 or fp32");
        if (setting == "bf16") {
            if (!cpuHasBf16())
                throw Error(what + " is bf16 but this CPU has no bfloat16 instructions; use "
                                   "auto or fp32");
            return Precision::Bf16;
        }
        if (setting == "auto") return cpuHasBf16() ? Precision::Bf16 : Precision::Fp32;
    }
    throw Error(what + " is \"" + setting + "\"; expected auto, fp32, bf16 or fp16");
}

Autocast::Autocast(Precision precision, const torch::Device &device)
    : m_on(precision != Precision::Fp32), m_cuda(device.is_cuda())
{
    if (!m_on) return;
    const auto type = precision == Precision::Bf16 ? at::kBFloat16 : at::kHalf;
    if (m_cuda) {
        at::autocast::set_enabled(true);
        at::autocast::set_autocast_gpu_dtype(type);
    } else {
        at::autocast::set_cpu_enabled(true);
        at::autocast::set_autocast_cpu_dtype(type);
    }
    at::autocast::increment_nesting();
}

Autocast::~Autocast()
{
    if (!m_on) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    if (m_cuda)
        at::autocast::set_enabled(false);
    else
        at::autocast::set_cpu_enabled(false);
}

GradScaler::GradScaler(bool enabled, double initialScale, int growthInterval)
    : m_enabled(enabled), m_scale(enabled ? initialScale : 1.0), m_growthInterval(growthInterval)
{
}

torch::Tensor GradScaler::scaled(const torch::Tensor &loss) const
{
    return m_enabled ? loss * m_scale : loss;
}

bool GradScaler::unscale(const std::vector<torch::Tensor> &parameters) const
{
    if (!m_enabled) return true;
    torch::NoGradGuard noGrad;
    const double inverse = 1.0 / m_scale;
    torch::Tensor bad; // one flag on the gradients' device: one synchronisation
    for (const auto &p : parameters) {
        auto g = p.grad();
        if (!g.defined()) continue;
        g.mul_(inverse);
        const auto notFinite = g.isfinite().all().logical_not();
        bad = bad.defined() ? bad.logical_or(notFinite) : notFinite;
    }
    return !bad.defined() || !bad.item<bool>();
}

void GradScaler::update(bool stepped)
{
    if (!m_enabled) return;
    if (!stepped) {
        m_scale *= 0.5;
        m_goodSteps = 0;
    } else if (++m_goodSteps >= m_growthInterval) {
        m_scale *= 2.0;
        m_goodSteps = 0;
    }
}

torch::Tensor GradScaler::state() const
{
    return torch::tensor({m_scale, double(m_goodSteps)}, torch::kFloat64);
}

void GradScaler::setState(const torch::Tensor &state)
{
    const auto s = state.to(torch::kCPU, torch::kFloat64).contiguous();
    if (s.numel() != 2 || !(s[0].item<double>() > 0))
        throw Error("the checkpoint's loss scale is not [scale > 0, good steps]");
    m_scale = s[0].item<double>();
    m_goodSteps = static_cast<int>(s[1].item<double>());
}

} // namespace latent
