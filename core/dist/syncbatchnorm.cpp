// SPDX-License-Identifier: MIT
#include "dist/syncbatchnorm.h"

#include "dist/distributed.h"

#include <torch/csrc/autograd/custom_function.h>

namespace latent {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

const std::vector<int64_t> kChannelDims{0, 2, 3};

torch::Tensor perChannel(const torch::Tensor &v) // [C] -> [1, C, 1, 1]
{
    return v.view({1, -1, 1, 1});
}

// Global-batch normalisation of x [N, C, H, W] in training mode. Per-channel
// sums accumulate in float64, as ATen's CPU batch norm does.
// Forward: each rank's per-channel mean and sum of squared deviations are
// gathered and combined with Chan's parallel formula (stable, unlike
// E[x^2] - E[x]^2). Backward: the global sums of dy and dy * xhat,
// all-reduced, give each rank its exact dx; the weight and bias gradients
// stay per rank and are summed with every other gradient (distributed.h).
struct SyncNorm : torch::autograd::Function<SyncNorm>
{
    struct Stats
    {
        torch::Tensor mean, unbiasedVar; // [C], for the running estimates
    };

    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x,
                                 const torch::Tensor &weight, const torch::Tensor &bias,
                                 Communicator *comm, double eps, Stats *stats)
    {
        const auto xd = x.to(torch::kFloat64);
        const int64_t c = x.size(1);
        const auto mean = xd.mean(kChannelDims);                                    // [C]
        const auto m2 = (xd - perChannel(mean)).pow(2).sum(kChannelDims);           // [C]
        const auto count = torch::full({c}, double(x.numel() / c), mean.options()); // [C]
        const auto local = torch::stack({mean, m2, count});                         // [3, C]
        const auto per = comm->allGather(local).view({comm->size(), 3, c});         // [R, 3, C]
        const auto counts = per.select(1, 2);
        const auto total = counts.sum(0);                              // [C]
        const auto gmean = (per.select(1, 0) * counts).sum(0) / total; // [C]
        const auto gm2 =
            per.select(1, 1).sum(0) + (counts * (per.select(1, 0) - gmean).pow(2)).sum(0);
        const auto invstd = (gm2 / total + eps).rsqrt(); // the biased variance normalises
        const auto xhat = ((xd - perChannel(gmean)) * perChannel(invstd)).to(torch::kFloat32);
        ctx->save_for_backward({xhat, weight, invstd.to(torch::kFloat32), total});
        ctx->saved_data["comm"] = reinterpret_cast<int64_t>(comm);
        ctx->saved_data["dtype"] = static_cast<int64_t>(x.scalar_type());
        stats->mean = gmean;
        stats->unbiasedVar = gm2 / (total - 1).clamp_min(1);
        return (xhat * perChannel(weight.to(torch::kFloat32)) +
                perChannel(bias.to(torch::kFloat32)))
            .to(x.scalar_type());
    }

    static tensor_list backward(AutogradContext *ctx, tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &xhat = saved[0], &weight = saved[1], &invstd = saved[2], &total = saved[3];
        auto *comm = reinterpret_cast<Communicator *>(ctx->saved_data["comm"].toInt());
        const auto dtype = static_cast<torch::ScalarType>(ctx->saved_data["dtype"].toInt());
        const auto dy = grads[0].to(torch::kFloat32);
        const auto sumDy = dy.sum(kChannelDims, false, torch::kFloat64);              // [C]
        const auto sumDyXhat = (dy * xhat).sum(kChannelDims, false, torch::kFloat64); // [C]
        auto global = torch::stack({sumDy, sumDyXhat});                               // [2, C]
        comm->allReduceSum(global);
        const auto meanDy = (global[0] / total).to(torch::kFloat32);
        const auto meanDyXhat = (global[1] / total).to(torch::kFloat32);
        const auto dx = perChannel(weight.to(torch::kFloat32) * invstd) *
                        (dy - perChannel(meanDy) - xhat * perChannel(meanDyXhat));
        return {dx.to(dtype),
                sumDyXhat.to(weight.scalar_type()),
                sumDy.to(weight.scalar_type()),
                torch::Tensor(),
                torch::Tensor(),
                torch::Tensor()};
    }
};

} // namespace

SyncBatchNormImpl::SyncBatchNormImpl(int64_t features)
{
    weight = register_parameter("weight", torch::ones({features}));
    bias = register_parameter("bias", torch::zeros({features}));
    running_mean = register_buffer("running_mean", torch::zeros({features}));
    running_var = register_buffer("running_var", torch::ones({features}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong));
}

torch::Tensor SyncBatchNormImpl::forward(const torch::Tensor &x)
{
    if (is_training()) {
        torch::NoGradGuard noGrad;
        num_batches_tracked += 1;
    }
    if (!is_training() || !m_comm)
        return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(),
                                 m_momentum, m_eps, at::globalContext().userEnabledCuDNN());
    SyncNorm::Stats stats;
    auto y = SyncNorm::apply(x, weight, bias, m_comm.get(), m_eps, &stats);
    torch::NoGradGuard noGrad;
    running_mean.mul_(1 - m_momentum).add_(stats.mean.to(running_mean.dtype()), m_momentum);
    running_var.mul_(1 - m_momentum).add_(stats.unbiasedVar.to(running_var.dtype()), m_momentum);
    return y;
}

} // namespace latent
