// SPDX-License-Identifier: MIT
#include "evaluation.h"

#include "directions.h"
#include "encoder.h"
#include "error.h"
#include "idx.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>

namespace latent {
namespace {

std::string idxFile(const std::string &dir, const std::string &base)
{
    for (const char *suffix : {".gz", ""}) {
        const std::string p = dir + "/" + base + suffix;
        if (std::filesystem::exists(p)) return p;
    }
    throw Error("dataset folder " + dir + " has no " + base + " (or " + base +
                ".gz); expected train-/t10k- images-idx3-ubyte and labels-idx1-ubyte files");
}

LabelledImages readSplit(const std::string &source, bool train)
{
    const std::string dir = source == "fashion-mnist" ? fashionMnistDir() : source;
    if (!std::filesystem::is_directory(dir))
        throw Error(source == "fashion-mnist" ? "Fashion-MNIST is not installed at " + dir +
                                                    " (Debian package dataset-fashion-mnist)"
                                              : "dataset " + dir + " is not a folder of IDX files");
    const std::string split = train ? "train" : "t10k";
    return readIdxDataset(idxFile(dir, split + "-images-idx3-ubyte"),
                          idxFile(dir, split + "-labels-idx1-ubyte"));
}

// [N, H, W] bytes -> [N, channels, resolution, resolution] in [0, 1].
torch::Tensor shape(const LabelledImages &d, int channels, int resolution)
{
    auto x = torch::from_blob(const_cast<std::uint8_t *>(d.pixels.data()),
                              {d.count, 1, d.height, d.width}, torch::kUInt8)
                 .to(torch::kFloat32)
                 .div_(255.0);
    if (d.height <= resolution && d.width <= resolution) {
        const int top = (resolution - d.height) / 2, left = (resolution - d.width) / 2;
        x = torch::constant_pad_nd(
            x, {left, resolution - d.width - left, top, resolution - d.height - top});
    } else {
        x = torch::upsample_bilinear2d(x, {resolution, resolution}, false);
    }
    return channels == 1 ? x.contiguous() : x.expand({-1, channels, -1, -1}).contiguous();
}

torch::Tensor labelsOf(const LabelledImages &d)
{
    return torch::tensor(std::vector<int64_t>(d.labels.begin(), d.labels.end()), torch::kInt64);
}

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
    std::string source;
    torch::Tensor trainImages, trainLabels, testImages, testLabels;
    int numClasses = 0;
};

EvalData::EvalData(const std::string &source, int channels, int resolution) : d(new Impl)
{
    std::unique_ptr<Impl> guard(d);
    d->source = source;
    const LabelledImages train = readSplit(source, true), test = readSplit(source, false);
    if (train.height != test.height || train.width != test.width)
        throw Error("dataset " + source + ": train images are " + std::to_string(train.height) +
                    "x" + std::to_string(train.width) + " but test images " +
                    std::to_string(test.height) + "x" + std::to_string(test.width));
    d->trainImages = shape(train, channels, resolution);
    d->testImages = shape(test, channels, resolution);
    d->trainLabels = labelsOf(train);
    d->testLabels = labelsOf(test);
    d->numClasses = 1 + static_cast<int>(std::max(d->trainLabels.max().item<int64_t>(),
                                                  d->testLabels.max().item<int64_t>()));
    guard.release();
}

EvalData::~EvalData()
{
    delete d;
}
const at::Tensor &EvalData::trainImages() const
{
    return d->trainImages;
}
const at::Tensor &EvalData::trainLabels() const
{
    return d->trainLabels;
}
const at::Tensor &EvalData::testImages() const
{
    return d->testImages;
}
const at::Tensor &EvalData::testLabels() const
{
    return d->testLabels;
}
int EvalData::numClasses() const
{
    return d->numClasses;
}
const std::string &EvalData::source() const
{
    return d->source;
}

int naturalResolution(const std::string &source)
{
    const LabelledImages test = readSplit(source, false);
    return (std::max(test.height, test.width) + 7) / 8 * 8;
}

at::Tensor encodeImages(EncoderImpl &encoder, const at::Tensor &images, int batch,
                        const std::atomic<bool> *cancel)
{
    const bool wasTraining = encoder.is_training();
    encoder.eval();
    const auto device = encoder.parameters().front().device();
    std::vector<torch::Tensor> parts;
    {
        torch::NoGradGuard noGrad;
        for (int64_t i = 0; i < images.size(0); i += batch) {
            if (cancel && cancel->load()) {
                encoder.train(wasTraining);
                throw Cancelled();
            }
            auto x = images.slice(0, i, i + batch).to(device);
            if (device.is_cpu()) x = x.contiguous(at::MemoryFormat::ChannelsLast);
            parts.push_back(encoder.probeFeatures(x).to(torch::kFloat32).cpu());
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
                           const std::atomic<bool> *cancel)
{
    const auto tr = subsetIndices(data.trainImages().size(0), nTrain);
    const auto te = subsetIndices(data.testImages().size(0), nTest);
    const auto trainX = encodeImages(encoder, data.trainImages().index_select(0, tr), 512, cancel);
    const auto testX = encodeImages(encoder, data.testImages().index_select(0, te), 512, cancel);
    const auto trainY = data.trainLabels().index_select(0, tr);
    const auto testY = data.testLabels().index_select(0, te);
    return {linearProbeAccuracy(trainX, trainY, testX, testY, data.numClasses()),
            knnAccuracy(trainX, trainY, testX, testY, data.numClasses(), k)};
}

Embedding2d pcaEmbedding(EncoderImpl &encoder, const EvalData &data, int n)
{
    const auto idx = subsetIndices(data.testImages().size(0), n);
    auto f = encodeImages(encoder, data.testImages().index_select(0, idx)).to(torch::kFloat64);
    f = f - f.mean(0, true);
    // Top two eigenvectors of the [F, F] covariance (eigh sorts ascending).
    const auto [values, vectors] = torch::linalg::eigh(f.t().mm(f), "L");
    const int64_t dims = vectors.size(1);
    const auto xy = f.mm(vectors.slice(1, dims - 2, dims).flip(1)).to(torch::kFloat32).contiguous();
    const auto labels = data.testLabels().index_select(0, idx);
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
    const auto trainX = data.trainImages().flatten(1), testX = data.testImages().flatten(1);
    return {
        linearProbeAccuracy(trainX, data.trainLabels(), testX, data.testLabels(),
                            data.numClasses()),
        knnAccuracy(trainX, data.trainLabels(), testX, data.testLabels(), data.numClasses(), k)};
}

} // namespace latent
