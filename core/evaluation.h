// SPDX-License-Identifier: MIT
#pragma once
// Measuring a representation on real labelled data: a linear probe and a
// weighted kNN on frozen features, real train split -> real test split.

#include "data/dataset.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

class EncoderImpl;

// The real train and test splits of a dataset, shaped per batch for an
// encoder that takes `channels` x `resolution` x `resolution` images
// (shapeImages: small images centred on black, larger ones resized and
// centre-cropped, grey and RGB converted as needed).
class EvalData
{
public:
    // Throws Error when the dataset cannot be probed (requireProbeable).
    EvalData(std::shared_ptr<const Dataset> data, int channels, int resolution);
    ~EvalData();
    EvalData(const EvalData &) = delete;
    EvalData &operator=(const EvalData &) = delete;

    const Dataset &dataset() const;
    const ImageStore &train() const;
    const ImageStore &test() const;
    // Images `indices` [B] of a split as float32 [B, channels, resolution, resolution] in [0, 1].
    at::Tensor images(const ImageStore &split, const at::Tensor &indices) const;
    int channels() const;
    int resolution() const;
    int numClasses() const;
    const std::string &source() const;

private:
    struct Impl;
    Impl *d;
};

// The encoder input side for real-data runs without a generator: the
// dataset's largest image side rounded up to a multiple of 8 (28 -> 32),
// at most 128 (larger images are resized down to it).
int naturalResolution(const Dataset &data);

// Called with the images encoded so far and the total.
using EncodeProgress = std::function<void(std::int64_t done, std::int64_t total)>;

struct EvalResult
{
    double probe = 0; // linear-probe test accuracy in [0, 1]
    double knn = 0;   // weighted kNN test accuracy in [0, 1]
};

// Probe features [N, 4F] float32 (CPU) of images `indices` [N] of `split`
// (EncoderImpl::probeFeatures) in inference mode, shaped and encoded `batch`
// at a time, so memory holds one batch of pixels. Throws Cancelled
// (directions.h) when `cancel` is set.
at::Tensor encodeImages(EncoderImpl &encoder, const EvalData &data, const ImageStore &split,
                        const at::Tensor &indices, int batch = 512,
                        const std::atomic<bool> *cancel = nullptr,
                        const EncodeProgress &progress = {});

// Multinomial logistic regression on standardised features (L-BFGS, full
// batch), accuracy on the test features.
double linearProbeAccuracy(const at::Tensor &trainX, const at::Tensor &trainY,
                           const at::Tensor &testX, const at::Tensor &testY, int numClasses);

// Weighted kNN (Wu et al. 2018): cosine similarity, the k nearest training
// features vote with weight exp(sim / 0.07).
double knnAccuracy(const at::Tensor &trainX, const at::Tensor &trainY, const at::Tensor &testX,
                   const at::Tensor &testY, int numClasses, int k);

// Probe and kNN of the features of [train, test] subsets (nTrain, nTest <= 0: all).
// The subset is the first n of a fixed permutation, the same for every run.
// `progress` counts the images of both splits.
EvalResult evaluateEncoder(EncoderImpl &encoder, const EvalData &data, int nTrain, int nTest, int k,
                           const std::atomic<bool> *cancel = nullptr,
                           const EncodeProgress &progress = {});

// A 2-D PCA projection of the features of the first n test images of the
// fixed permutation: x, y [n], labels [n], and the images' indices in the test split.
struct Embedding2d
{
    std::vector<float> x, y;
    std::vector<int> labels;
    std::vector<int> indices;
};
Embedding2d pcaEmbedding(EncoderImpl &encoder, const EvalData &data, int n);

// The floors with the same protocol: raw pixels as features (the encoder's
// input, reduced to at most 32x32 so that large inputs stay tractable).
EvalResult evaluatePixels(const EvalData &data, int k);

} // namespace latent
