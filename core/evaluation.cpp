// SPDX-License-Identifier: MIT
#include "evaluation.h"

#include "directions.h"
#include "encoder.h"
#include "error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

namespace latent {
namespace {

// The first n of a permutation fixed by the split size alone.
torch::Tensor subsetIndices(int64_t total, int n)
{
    if (n <= 0 || n >= total) return torch::arange(total);
    auto gen = at::detail::createCPUGenerator(0x5EED0F5B5E7ull + total);
    return torch::randperm(total, gen).slice(0, 0, n);
}

} // namespace

struct EvalData::Impl
{
    std::shared_ptr<const Dataset> data;
    int channels = 1, resolution = 32;
};

EvalData::EvalData(std::shared_ptr<const Dataset> data, int channels, int resolution)
{
    requireProbeable(*data);
    d = new Impl{std::move(data), channels, resolution};
}

EvalData::~EvalData()
{
    delete d;
}
const Dataset &EvalData::dataset() const
{
    return *d->data;
}
const ImageStore &EvalData::train() const
{
    return d->data->train;
}
const ImageStore &EvalData::test() const
{
    return d->data->test;
}
at::Tensor EvalData::images(const ImageStore &split, const at::Tensor &indices) const
{
    return shapeImages(split, indices, d->channels, d->resolution);
}
int EvalData::channels() const
{
    return d->channels;
}
int EvalData::resolution() const
{
    return d->resolution;
}
int EvalData::numClasses() const
{
    return int(d->data->classNames.size());
}
const std::string &EvalData::source() const
{
    return d->data->source;
}

int naturalResolution(const Dataset &data)
{
    return std::min(128, (data.maxSide() + 7) / 8 * 8);
}

at::Tensor encodeImages(EncoderImpl &encoder, const EvalData &data, const ImageStore &split,
                        const at::Tensor &indices, int batch, const std::atomic<bool> *cancel,
                        const EncodeProgress &progress)
{
    const bool wasTraining = encoder.is_training();
    encoder.eval();
    const auto device = encoder.parameters().front().device();
    const int64_t n = indices.size(0);
    std::vector<torch::Tensor> parts;
    {
        torch::NoGradGuard noGrad;
        for (int64_t i = 0; i < n; i += batch) {
            if (cancel && cancel->load()) {
                encoder.train(wasTraining);
                throw Cancelled();
            }
            auto x = data.images(split, indices.slice(0, i, i + batch)).to(device);
            if (device.is_cpu()) x = x.contiguous(at::MemoryFormat::ChannelsLast);
            parts.push_back(encoder.probeFeatures(x).to(torch::kFloat32).cpu());
            if (progress) progress(std::min(n, i + batch), n);
        }
    }
    encoder.train(wasTraining);
    return torch::cat(parts);
}

double linearProbeAccuracy(const at::Tensor &trainX, const at::Tensor &trainY,
                           const at::Tensor &testX, const at::Tensor &testY, int numClasses)
{
    const auto mean = trainX.mean(0, true);
    const auto stdev = trainX.std(0, true, true).clamp_min(1e-6);
    const auto xs = (trainX - mean) / stdev, xt = (testX - mean) / stdev;
    auto w = torch::zeros({xs.size(1), numClasses}, torch::requires_grad());
    auto b = torch::zeros({numClasses}, torch::requires_grad());
    torch::optim::LBFGS opt(
        {w, b}, torch::optim::LBFGSOptions(1.0).max_iter(200).history_size(20).line_search_fn(
                    "strong_wolfe"));
    // A light L2 penalty keeps the solution finite on separable features.
    const double l2 = 1e-4;
    auto closure = [&] {
        opt.zero_grad();
        auto loss = torch::cross_entropy_loss(xs.mm(w) + b, trainY) + 0.5 * l2 * w.pow(2).sum();
        loss.backward();
        return loss;
    };
    opt.step(closure);
    torch::NoGradGuard noGrad;
    const auto predicted = (xt.mm(w) + b).argmax(1);
    return predicted.eq(testY).to(torch::kFloat64).mean().item<double>();
}

double knnAccuracy(const at::Tensor &trainX, const at::Tensor &trainY, const at::Tensor &testX,
                   const at::Tensor &testY, int numClasses, int k)
{
    torch::NoGradGuard noGrad;
    namespace F = torch::nn::functional;
    const auto opts = F::NormalizeFuncOptions().dim(1);
    const auto train = F::normalize(trainX, opts), test = F::normalize(testX, opts);
    k = std::min<int>(k, static_cast<int>(train.size(0)));
    int64_t correct = 0;
    for (int64_t i = 0; i < test.size(0); i += 1024) {
        const auto sim = test.slice(0, i, i + 1024).mm(train.t()); // [n, Ntrain]
        const auto [top, idx] = sim.topk(k, 1);
        const auto votes = torch::zeros({top.size(0), numClasses});
        votes.scatter_add_(1, trainY.index_select(0, idx.flatten()).view_as(idx),
                           (top / 0.07).exp());
        correct += votes.argmax(1).eq(testY.slice(0, i, i + 1024)).sum().item<int64_t>();
    }
    return double(correct) / double(test.size(0));
}

EvalResult evaluateEncoder(EncoderImpl &encoder, const EvalData &data, int nTrain, int nTest, int k,
                           const std::atomic<bool> *cancel, const EncodeProgress &progress)
{
    const auto tr = subsetIndices(data.train().size(), nTrain);
    const auto te = subsetIndices(data.test().size(), nTest);
    const int64_t total = tr.size(0) + te.size(0);
    EncodeProgress trainProgress, testProgress;
    if (progress) {
        trainProgress = [&](int64_t done, int64_t) { progress(done, total); };
        testProgress = [&](int64_t done, int64_t) { progress(tr.size(0) + done, total); };
    }
    const auto trainX = encodeImages(encoder, data, data.train(), tr, 512, cancel, trainProgress);
    const auto testX = encodeImages(encoder, data, data.test(), te, 512, cancel, testProgress);
    const auto trainY = labelsOf(data.train(), tr);
    const auto testY = labelsOf(data.test(), te);
    return {linearProbeAccuracy(trainX, trainY, testX, testY, data.numClasses()),
            knnAccuracy(trainX, trainY, testX, testY, data.numClasses(), k)};
}

Embedding2d pcaEmbedding(EncoderImpl &encoder, const EvalData &data, int n)
{
    const auto idx = subsetIndices(data.test().size(), n);
    auto f = encodeImages(encoder, data, data.test(), idx).to(torch::kFloat64);
    f = f - f.mean(0, true);
    // Top two eigenvectors of the [F, F] covariance (eigh sorts ascending).
    const auto [values, vectors] = torch::linalg::eigh(f.t().mm(f), "L");
    const int64_t dims = vectors.size(1);
    const auto xy = f.mm(vectors.slice(1, dims - 2, dims).flip(1)).to(torch::kFloat32).contiguous();
    const auto labels = labelsOf(data.test(), idx);
    Embedding2d e;
    for (int64_t i = 0; i < xy.size(0); ++i) {
        e.x.push_back(xy[i][0].item<float>());
        e.y.push_back(xy[i][1].item<float>());
        e.labels.push_back(static_cast<int>(labels[i].item<int64_t>()));
        e.indices.push_back(static_cast<int>(idx[i].item<int64_t>()));
    }
    return e;
}

EvalResult evaluatePixels(const EvalData &data, int k)
{
    const int side = std::min(32, data.resolution());
    // Features and labels on the CPU, where the probe and kNN run (as encodeImages returns them).
    const auto all = [](const ImageStore &split) { return torch::arange(split.size()); };
    const auto pixels = [&](const ImageStore &split) {
        return shapeImages(split, all(split), data.channels(), side).flatten(1);
    };
    const auto trainX = pixels(data.train()), testX = pixels(data.test());
    const auto trainY = labelsOf(data.train(), all(data.train()));
    const auto testY = labelsOf(data.test(), all(data.test()));
    return {linearProbeAccuracy(trainX, trainY, testX, testY, data.numClasses()),
            knnAccuracy(trainX, trainY, testX, testY, data.numClasses(), k)};
}

} // namespace latent
