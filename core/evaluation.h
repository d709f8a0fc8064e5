// SPDX-License-Identifier: MIT
#pragma once
// Measuring a representation on real labelled data: a linear probe and a
// weighted kNN on frozen features, real train split -> real test split.

#include <atomic>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

class EncoderImpl;

// The real train and test splits, shaped for an encoder that takes
// `channels` x `resolution` x `resolution` images: smaller images are
// centred on a black background (28 -> 32 pads 2 pixels per side, as the
// default generator was trained), larger ones resized, grey ones repeated
// to 3 channels when needed.
class EvalData
{
public:
    // `source`: "fashion-mnist" (Debian's dataset-fashion-mnist) or a folder
    // holding train-/t10k- images-idx3-ubyte and labels-idx1-ubyte (.gz or not).
    EvalData(const std::string &source, int channels, int resolution);
    ~EvalData();
    EvalData(const EvalData &) = delete;
    EvalData &operator=(const EvalData &) = delete;

    const at::Tensor &trainImages() const;
    const at::Tensor &trainLabels() const;
    const at::Tensor &testImages() const;
    const at::Tensor &testLabels() const;
    int numClasses() const;
    const std::string &source() const;

private:
    struct Impl;
    Impl *d;
};

// Natural resolution of a source's images (28 for Fashion-MNIST), rounded up
// to a multiple of 8: the encoder input size for real-data runs without a generator.
int naturalResolution(const std::string &source);

struct EvalResult
{
    double probe = 0; // linear-probe test accuracy in [0, 1]
    double knn = 0;   // weighted kNN test accuracy in [0, 1]
};

// Probe features [N, 4F] float32 (CPU) of `images` (EncoderImpl::probeFeatures)
// in inference mode, in batches. Throws Cancelled (directions.h) when `cancel` is set.
at::Tensor encodeImages(EncoderImpl &encoder, const at::Tensor &images, int batch = 512,
                        const std::atomic<bool> *cancel = nullptr);

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
EvalResult evaluateEncoder(EncoderImpl &encoder, const EvalData &data, int nTrain, int nTest, int k,
                           const std::atomic<bool> *cancel = nullptr);

// A 2-D PCA projection of the features of the first n test images of the
// fixed permutation: x, y [n], labels [n], and the images' indices in the test split.
struct Embedding2d
{
    std::vector<float> x, y;
    std::vector<int> labels;
    std::vector<int> indices;
};
Embedding2d pcaEmbedding(EncoderImpl &encoder, const EvalData &data, int n);

// The floors with the same protocol: raw pixels as features.
EvalResult evaluatePixels(const EvalData &data, int k);

} // namespace latent
