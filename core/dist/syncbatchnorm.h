// SPDX-License-Identifier: MIT
#pragma once
// Batch normalisation whose training statistics cover the global batch of a
// data-parallel job, as SimCLR's global BN: without it each rank normalises
// over its own B/N samples and the model can tell positives apart by their
// per-device statistics. The C++ frontend has no SyncBatchNorm; this is
// ours. Without a communicator (one process) or in eval mode it is
// torch::batch_norm, the arithmetic of nn::BatchNorm2d, under the same
// parameter and buffer names, so checkpoints of either load into the other.
// A job of one rank takes the synchronised path, so that it computes what a
// job of N ranks does (ATen's channels-last CPU kernels in LibTorch 1.13 give
// first-stage gradients 0.1-0.2% away from float64; ours match float64 to
// 1e-5: measured in tests/test_distributed.cpp). Internal to core.

#include <torch/nn/module.h>

#include <memory>

namespace latent {

class Communicator;

class SyncBatchNormImpl : public torch::nn::Module
{
public:
    explicit SyncBatchNormImpl(int64_t features);

    // x [N, C, H, W] -> same shape and dtype.
    torch::Tensor forward(const torch::Tensor &x);
    // Statistics are synchronised across `comm`'s ranks while training;
    // nullptr (the default) keeps them per process.
    void setCommunicator(std::shared_ptr<Communicator> comm) { m_comm = std::move(comm); }

    torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

private:
    std::shared_ptr<Communicator> m_comm;
    double m_momentum = 0.1, m_eps = 1e-5;
};
TORCH_MODULE(SyncBatchNorm);

} // namespace latent
