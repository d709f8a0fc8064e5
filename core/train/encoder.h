// SPDX-License-Identifier: MIT
#pragma once
// The contrastive encoder: a ResNet for small images (CIFAR-style stem: one
// 3x3 convolution, no max-pool) and a projection MLP. Internal to core and
// its tests: it includes torch.

#include "dist/syncbatchnorm.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <memory>

#include <string>
#include <vector>

namespace latent {

struct EncoderSpec
{
    std::string preset = "small";
    int inChannels = 1;
    int width = 16;                      // channels of the first stage; doubled per stage
    std::vector<int> blocks{1, 1, 1, 1}; // residual blocks per stage (strides 1, 2, 2, 2)
    bool bottleneck = false;             // ResNet-50 style 1x1-3x3-1x1 blocks, expansion 4
    int projectionDim = 128;

    int featureDim() const; // pooled feature size: width * 2^(stages-1) (* 4 with bottlenecks)
};

// "small" (the CPU default, width 16, one basic block per stage), "resnet18",
// "resnet50"; `width` > 0 overrides the preset's. Throws Error on an unknown name.
EncoderSpec encoderPreset(const std::string &name, int inChannels, int width = 0);

class EncoderImpl : public torch::nn::Module
{
public:
    explicit EncoderImpl(const EncoderSpec &spec);

    // images [N, C, H, W] in [0, 1] -> pooled features [N, featureDim].
    torch::Tensor features(const torch::Tensor &images);
    // What the linear probe and kNN see (the final protocol): the last
    // stage's map average-pooled to a 2x2 grid, [N, 4 * featureDim]. A
    // global pool keeps too little of a garment's layout for a linear
    // classifier at small widths (docs/results.md has the measurement).
    torch::Tensor probeFeatures(const torch::Tensor &images);
    // probeFeatures [N, 4F] and features (the global mean, [N, F]) of one pass.
    std::pair<torch::Tensor, torch::Tensor> probeAndGlobalFeatures(const torch::Tensor &images);
    // features [N, featureDim] -> L2-normalised projections [N, projectionDim].
    torch::Tensor project(const torch::Tensor &features);
    torch::Tensor forward(const torch::Tensor &images) { return project(features(images)); }

    const EncoderSpec &spec() const { return m_spec; }
    // NHWC convolution weights select oneDNN's faster CPU kernels (about 1.4x
    // here); optimiser steps and checkpoint loads keep the layout.
    void useChannelsLast();
    // Batch-norm statistics over the global batch of a data-parallel job
    // (nullptr: per process, the default).
    void setCommunicator(const std::shared_ptr<Communicator> &comm);

private:
    torch::Tensor featureMap(const torch::Tensor &images); // [N, featureDim, h, w]

    struct Block
    {
        torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr}, shortcut{nullptr};
        SyncBatchNorm bn1{nullptr}, bn2{nullptr}, bn3{nullptr}, shortcutBn{nullptr};
    };
    torch::Tensor runBlock(Block &b, const torch::Tensor &x);

    EncoderSpec m_spec;
    torch::nn::Conv2d m_stem{nullptr};
    SyncBatchNorm m_stemBn{nullptr};
    std::vector<Block> m_blocks;
    torch::nn::Linear m_head1{nullptr}, m_head2{nullptr};
};
TORCH_MODULE(Encoder);

// Writes the encoder's feature extractor (not the projection head) as a
// TorchScript module: forward(images [N, C, H, W] float in [0, 1]) ->
// features [N, featureDim], probe_features -> [N, 4 featureDim] (what the
// run's probes measured), feature_map; batch-norm in inference mode, CPU
// tensors whatever device trained it. With a `protocol` (JSON text,
// evaluationProtocolJson), protocol() returns it, so that the reported
// accuracies can be reproduced from the file alone
// (tools/reproduce_probe.py). Loadable with torch.jit.load in Python without
// this project's code. Atomic.
void exportEncoderTorchScript(EncoderImpl &encoder, const std::string &path,
                              const std::string &protocol = {});

} // namespace latent
