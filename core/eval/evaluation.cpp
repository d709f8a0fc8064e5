// SPDX-License-Identifier: MIT
#include "eval/evaluation.h"
#include "eval/numbertext.h"

#include "error.h"
#include "jsonfields.h"
#include "train/encoder.h"
#include "views/directions.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional.h>
#include <torch/optim/lbfgs.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

namespace latent {
namespace {

// The first n of `indices` in an order fixed by their count alone, the same
// in every run (all when n <= 0). CPU indices, like the image stores.
torch::Tensor subsetOf(const torch::Tensor &indices, int n)
{
    const int64_t total = indices.size(0);
    if (n <= 0 || n >= total) return indices;
    auto gen = at::detail::createCPUGenerator(0x5EED0F5B5E7ull + total);
    return indices.index_select(0, torch::randperm(total, gen).slice(0, 0, n));
}

} // namespace

std::pair<torch::Tensor, torch::Tensor> carveValidation(const ImageStore &train, int numClasses,
                                                        const ValidationSplit &split)
{
    const auto labels = labelsOf(train, torch::arange(train.size()));
    auto gen = at::detail::createCPUGenerator(split.seed);
    std::vector<torch::Tensor> fit, validation;
    for (int c = 0; c < numClasses; ++c) {
        const auto members = labels.eq(c).nonzero().flatten(); // [n_c]
        const int64_t n = members.size(0);
        const int64_t take = std::min<int64_t>(std::llround(split.fraction * double(n)), n - 1);
        const auto shuffled = members.index_select(0, torch::randperm(n, gen));
        if (take > 0) validation.push_back(shuffled.slice(0, 0, take));
        fit.push_back(shuffled.slice(0, std::max<int64_t>(take, 0)));
    }
    const auto joined = [](const std::vector<torch::Tensor> &parts) {
        return parts.empty() ? torch::empty({0}, torch::kInt64)
                             : std::get<0>(torch::cat(parts).sort());
    };
    return {joined(fit), joined(validation)};
}

struct EvalData::Impl
{
    std::shared_ptr<const Dataset> data;
    int channels = 1, resolution = 32;
    ValidationSplit validation;
    torch::Tensor fit, val; // indices into the train split, and into validationSplit()
    bool ownValidation = false;
};

int fewestImagesForValidation(const ValidationSplit &split)
{
    // carveValidation takes llround(fraction * n) of n >= 2 images.
    auto least = std::max<long long>(2, std::llround(std::ceil(0.5 / split.fraction)) - 1);
    while (std::llround(split.fraction * double(least)) < 1)
        ++least;
    return int(least);
}

EvalData::EvalData(std::shared_ptr<const Dataset> data, int channels, int resolution,
                   const ValidationSplit &validation)
{
    requireProbeable(*data);
    if (!(validation.fraction > 0 && validation.fraction <= 0.5))
        throw Error("the validation fraction must be in (0, 0.5], got " +
                    std::to_string(validation.fraction));
    // The dataset's own validation split where it has one: the probes then
    // fit on all of train. CPU indices, like the image stores they index.
    const bool own = !data->val.empty();
    auto [fit, val] =
        own ? std::pair{torch::arange(data->train.size()), torch::arange(data->val.size())}
            : carveValidation(data->train, int(data->classNames.size()), validation);
    if (val.size(0) == 0)
        throw Error(
            "dataset " + data->path + " has too few training images to set " +
            percentText(validation.fraction, 0) + "% of them aside for validation (a class needs " +
            std::to_string(fewestImagesForValidation(validation)) + " or more images to give one)");
    d = new Impl{std::move(data), channels, resolution, validation, fit, val, own};
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
const at::Tensor &EvalData::fitIndices() const
{
    return d->fit;
}
const at::Tensor &EvalData::validationIndices() const
{
    return d->val;
}
const ImageStore &EvalData::validationSplit() const
{
    return d->ownValidation ? d->data->val : d->data->train;
}
bool EvalData::ownValidation() const
{
    return d->ownValidation;
}
const char *EvalData::validationPart() const
{
    return d->ownValidation ? kOwnValidationPart : kCarvedValidationPart;
}
std::string EvalData::splitsText() const
{
    return "fit " + std::to_string(d->fit.size(0)) + ", validation " +
           std::to_string(d->val.size(0)) + " (" + validationPart() + "), test " +
           std::to_string(d->data->test.size());
}
const ValidationSplit &EvalData::validation() const
{
    return d->validation;
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

ProbeSettings probeSettingsOf(const std::string &protocolJson)
{
    ProbeSettings p;
    if (protocolJson.empty()) return p;
    const auto j = json::Json::parse(protocolJson, nullptr, false);
    if (!j.is_object()) return p;
    for (const char *key : {"probe_iterations", "probe_l2", "knn_temperature"})
        if (!j.contains(key) || !j[key].is_number()) return p;
    p.iterations = j["probe_iterations"].get<int>();
    p.l2 = j["probe_l2"].get<double>();
    p.knnTemperature = j["knn_temperature"].get<double>();
    p.recorded = true;
    return p;
}

std::string describeProtocol(const std::string &evalData, const ValidationSplit &validation, int k,
                             const std::string &validationPart, const ProbeSettings &probes)
{
    std::ostringstream s;
    s << "Evaluation on " << evalData;
    if (validationPart == kOwnValidationPart)
        s << ": probes fitted on its train split, measured on its own val split";
    else
        s << ": probes fitted on its train split less a validation part ("
          << 100 * validation.fraction << "% of each class, seed " << validation.seed
          << "), measured on the validation part";
    s << " (online: subsets) and, at the end, on the test split. Linear probe: multinomial "
      << "logistic regression on standardised features of the frozen encoder, 2x2-pooled last "
      << "feature map (and globally pooled, as the exported encoder's forward), full-batch "
      << "L-BFGS, " << probes.iterations << " iterations, L2 " << probes.l2
      << ". kNN: cosine similarity, k = " << k << ", votes weighted exp(sim / "
      << probes.knnTemperature << ") (DINO's protocol), on the 2x2-pooled features.";
    if (!probes.recorded)
        s << " (The probes' settings are this build's: the run did not record its own.)";
    return s.str();
}

std::string evaluationProtocolJson(const EvalData &data, int k)
{
    const json::Json j = {{"data_source", data.source()},
                          {"data_format", data.dataset().format},
                          {"data_path", data.dataset().path},
                          {"num_classes", data.numClasses()},
                          {"channels", data.channels()},
                          {"resolution", data.resolution()},
                          {"validation_part", data.validationPart()},
                          {"validation_images", data.validationIndices().size(0)},
                          {"validation_fraction", data.validation().fraction},
                          {"validation_seed", data.validation().seed},
                          {"probe_iterations", kProbeIterations},
                          {"probe_l2", kProbeL2},
                          {"probe_history", kProbeHistory},
                          {"knn_k", k},
                          {"knn_temperature", kKnnTemperature}};
    return j.dump();
}

at::Tensor encodeImages(EncoderImpl &encoder, const EvalData &data, const ImageStore &split,
                        const at::Tensor &indices, int batch, const std::atomic<bool> *cancel,
                        const EncodeProgress &progress, at::Tensor *global)
{
    const bool wasTraining = encoder.is_training();
    encoder.eval();
    const auto device = encoder.parameters().front().device();
    const int64_t n = indices.size(0);
    // Written in place, [n, D]: batches gathered then concatenated held the
    // features twice at the end (hundreds of MB for 60,000 images).
    torch::Tensor out;
    {
        torch::NoGradGuard noGrad;
        for (int64_t i = 0; i < n; i += batch) {
            if (cancel && cancel->load()) {
                encoder.train(wasTraining);
                throw Cancelled();
            }
            auto x = data.images(split, indices.slice(0, i, i + batch)).to(device);
            if (device.is_cpu()) x = x.contiguous(at::MemoryFormat::ChannelsLast);
            auto [probe, pooled] = encoder.probeAndGlobalFeatures(x); // [b, 4F], [b, F]
            const auto f = probe.to(torch::kFloat32).cpu();
            if (!out.defined()) out = torch::empty({n, f.size(1)}, f.options());
            out.slice(0, i, i + f.size(0)).copy_(f);
            if (global) {
                if (i == 0) *global = torch::empty({n, pooled.size(1)}, f.options());
                global->slice(0, i, i + f.size(0)).copy_(pooled.to(torch::kFloat32));
            }
            if (progress) progress(std::min(n, i + batch), n);
        }
    }
    encoder.train(wasTraining);
    return out.defined() ? out : torch::empty({0, 0}); // on the CPU, as features always are
}

struct LinearProbe::Fit
{
    torch::Tensor mean, stdev, w, b;
};

LinearProbe::LinearProbe(const at::Tensor &trainX, const at::Tensor &trainY, int numClasses,
                         double l2)
    : m_fit(std::make_unique<Fit>())
{
    Fit &f = *m_fit;
    f.mean = trainX.mean(0, true);
    f.stdev = trainX.std(0, true, true).clamp_min(1e-6);
    const auto xs = (trainX - f.mean) / f.stdev;
    f.w = torch::zeros({xs.size(1), numClasses}, torch::requires_grad());
    f.b = torch::zeros({numClasses}, torch::requires_grad());
    torch::optim::LBFGS opt({f.w, f.b}, torch::optim::LBFGSOptions(1.0)
                                            .max_iter(kProbeIterations)
                                            .history_size(kProbeHistory)
                                            .line_search_fn("strong_wolfe"));
    // A light L2 penalty keeps the solution finite on separable features.
    auto closure = [&] {
        opt.zero_grad();
        auto loss =
            torch::cross_entropy_loss(xs.mm(f.w) + f.b, trainY) + 0.5 * l2 * f.w.pow(2).sum();
        loss.backward();
        return loss;
    };
    opt.step(closure);
}

LinearProbe::~LinearProbe() = default;

double LinearProbe::accuracy(const at::Tensor &x, const at::Tensor &y) const
{
    torch::NoGradGuard noGrad;
    const auto predicted = (((x - m_fit->mean) / m_fit->stdev).mm(m_fit->w) + m_fit->b).argmax(1);
    return predicted.eq(y).to(torch::kFloat64).mean().item<double>();
}

double linearProbeAccuracy(const at::Tensor &trainX, const at::Tensor &trainY,
                           const at::Tensor &testX, const at::Tensor &testY, int numClasses)
{
    return LinearProbe(trainX, trainY, numClasses).accuracy(testX, testY);
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
                           (top / kKnnTemperature).exp());
        correct += votes.argmax(1).eq(testY.slice(0, i, i + 1024)).sum().item<int64_t>();
    }
    return double(correct) / double(test.size(0));
}

namespace {

// Probes fitted once on the fit features, measured on each query set; the
// global-pool probe only for encoder features (`fitGlobal` defined: the
// globally pooled [N, F] beside the 2x2-pooled [N, 4F]).
class Protocol
{
public:
    Protocol(const torch::Tensor &fitX, const torch::Tensor &fitGlobal, torch::Tensor fitY,
             int numClasses, int k)
        : m_fitX(fitX), m_fitY(std::move(fitY)), m_classes(numClasses), m_k(k),
          m_probe(fitX, m_fitY, numClasses)
    {
        if (fitGlobal.defined()) m_global.emplace(fitGlobal, m_fitY, numClasses);
    }
    // Sets (probe, knn, probeGlobal) of one split; `global` as fitGlobal.
    void measure(const torch::Tensor &x, const torch::Tensor &global, const torch::Tensor &y,
                 double &probe, double &knn, double &probeGlobal) const
    {
        probe = m_probe.accuracy(x, y);
        knn = knnAccuracy(m_fitX, m_fitY, x, y, m_classes, m_k);
        if (m_global) probeGlobal = m_global->accuracy(global, y);
    }

private:
    torch::Tensor m_fitX, m_fitY;
    int m_classes, m_k;
    LinearProbe m_probe;
    std::optional<LinearProbe> m_global;
};

} // namespace

EvalResult evaluateEncoder(EncoderImpl &encoder, const EvalData &data, int nFit, int nValidation,
                           int k, const std::atomic<bool> *cancel, const EncodeProgress &progress)
{
    const bool online = nFit > 0;
    const auto fit = subsetOf(data.fitIndices(), nFit);
    const auto val = subsetOf(data.validationIndices(), online ? nValidation : 0);
    // Indices on the CPU, where the image stores are; encodeImages moves the
    // images to the encoder's device.
    const auto test = online ? torch::empty({0}, torch::kInt64) : torch::arange(data.test().size());
    const int64_t total = fit.size(0) + val.size(0) + test.size(0);
    int64_t before = 0; // images of the earlier sets
    // {2x2-pooled [n, 4F], globally pooled [n, F]} of a set.
    const auto encode = [&](const ImageStore &split, const torch::Tensor &idx) {
        EncodeProgress counted;
        if (progress) counted = [&](int64_t done, int64_t) { progress(before + done, total); };
        torch::Tensor global;
        auto x = encodeImages(encoder, data, split, idx, 512, cancel, counted, &global);
        before += idx.size(0);
        return std::pair{x, global};
    };
    const auto [fitX, fitGlobal] = encode(data.train(), fit);
    const Protocol protocol(fitX, fitGlobal, labelsOf(data.train(), fit), data.numClasses(), k);
    EvalResult r;
    const auto [valX, valGlobal] = encode(data.validationSplit(), val);
    protocol.measure(valX, valGlobal, labelsOf(data.validationSplit(), val), r.valProbe, r.valKnn,
                     r.valProbeGlobal);
    if (!online) {
        const auto [testX, testGlobal] = encode(data.test(), test);
        protocol.measure(testX, testGlobal, labelsOf(data.test(), test), r.probe, r.knn,
                         r.probeGlobal);
    }
    return r;
}

ProbeL2Choice chooseProbeL2(EncoderImpl &encoder, const EvalData &data,
                            const std::vector<double> &grid, const std::atomic<bool> *cancel,
                            const EncodeProgress &progress)
{
    if (grid.empty()) throw Error("probe L2 grid: empty; expected at least one penalty");
    for (const double l2 : grid)
        if (!(l2 >= 0) || !std::isfinite(l2))
            throw Error("probe L2 grid: " + std::to_string(l2) +
                        " is not a penalty; expected finite numbers of 0 or more");
    const auto &fit = data.fitIndices(), &val = data.validationIndices();
    // Indices on the CPU, where the image stores are; encodeImages moves the
    // images to the encoder's device.
    const auto test = torch::arange(data.test().size());
    const int64_t total = fit.size(0) + val.size(0) + test.size(0);
    int64_t before = 0;
    // 2x2-pooled features [n, 4F] of a set, the reports' probe features.
    const auto encode = [&](const ImageStore &split, const torch::Tensor &idx) {
        EncodeProgress counted;
        if (progress) counted = [&](int64_t done, int64_t) { progress(before + done, total); };
        auto x = encodeImages(encoder, data, split, idx, 512, cancel, counted);
        before += idx.size(0);
        return x;
    };
    const auto fitX = encode(data.train(), fit), valX = encode(data.validationSplit(), val);
    const auto testX = encode(data.test(), test);
    const auto fitY = labelsOf(data.train(), fit), valY = labelsOf(data.validationSplit(), val);
    const auto testY = labelsOf(data.test(), test);
    ProbeL2Choice c;
    c.grid = grid;
    std::sort(c.grid.begin(), c.grid.end());
    c.grid.erase(std::unique(c.grid.begin(), c.grid.end()), c.grid.end());
    const auto fitAt = [&](double l2) {
        if (cancel && cancel->load()) throw Cancelled(); // a fit takes seconds to minutes
        return std::make_unique<LinearProbe>(fitX, fitY, data.numClasses(), l2);
    };
    std::unique_ptr<LinearProbe> best;
    double bestValidation = -1;
    for (const double l2 : c.grid) {
        auto probe = fitAt(l2);
        c.validation.push_back(probe->accuracy(valX, valY));
        if (l2 == kProbeL2) {
            c.validationFixed = c.validation.back();
            c.testFixed = probe->accuracy(testX, testY);
        }
        if (c.validation.back() > bestValidation) {
            bestValidation = c.validation.back();
            c.chosen = l2;
            best = std::move(probe);
        }
    }
    c.testChosen = best->accuracy(testX, testY);
    if (std::isnan(c.validationFixed)) { // the reports' penalty is not in the grid
        const auto fixed = fitAt(kProbeL2);
        c.validationFixed = fixed->accuracy(valX, valY);
        c.testFixed = fixed->accuracy(testX, testY);
    }
    return c;
}

std::vector<double> defaultProbeL2Grid()
{
    return {1e-6, 1e-5, 1e-4, 1e-3, 1e-2};
}

namespace {
// 0.0001 -> "1e-04", as penalties are written; 2.5e-05 in full.
std::string penaltyText(double l2)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.0e", l2);
    if (std::strtod(text, nullptr) != l2) std::snprintf(text, sizeof text, "%g", l2);
    return text;
}
} // namespace

std::string describeProbeL2Choice(const ProbeL2Choice &c)
{
    std::string text = "probe L2 on validation (2x2 pool):";
    for (std::size_t i = 0; i < c.grid.size(); ++i)
        text +=
            (i ? ", " : " ") + penaltyText(c.grid[i]) + " " + percentText(c.validation[i], 2) + "%";
    return text + "\nchosen " + penaltyText(c.chosen) + ": test " + percentText(c.testChosen, 2) +
           "% (the reports' fixed " + penaltyText(kProbeL2) + ": validation " +
           percentText(c.validationFixed, 2) + "%, test " + percentText(c.testFixed, 2) + "%)";
}

Embedding2d pcaEmbedding(EncoderImpl &encoder, const EvalData &data, int n)
{
    const auto idx = subsetOf(data.validationIndices(), n);
    auto f = encodeImages(encoder, data, data.validationSplit(), idx).to(torch::kFloat64);
    f = f - f.mean(0, true);
    // Top two eigenvectors of the [F, F] covariance (eigh sorts ascending).
    const auto [values, vectors] = torch::linalg_eigh(f.t().mm(f), "L");
    const int64_t dims = vectors.size(1);
    const auto xy = f.mm(vectors.slice(1, dims - 2, dims).flip(1)).to(torch::kFloat32).contiguous();
    const auto labels = labelsOf(data.validationSplit(), idx);
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
    const auto pixels = [&](const ImageStore &split, const torch::Tensor &idx) {
        return shapeImages(split, idx, data.channels(), side).flatten(1);
    };
    const auto &fit = data.fitIndices(), &val = data.validationIndices();
    const auto test = torch::arange(data.test().size());
    const Protocol protocol(pixels(data.train(), fit), {}, labelsOf(data.train(), fit),
                            data.numClasses(), k);
    EvalResult r;
    protocol.measure(pixels(data.validationSplit(), val), {}, labelsOf(data.validationSplit(), val),
                     r.valProbe, r.valKnn, r.valProbeGlobal);
    protocol.measure(pixels(data.test(), test), {}, labelsOf(data.test(), test), r.probe, r.knn,
                     r.probeGlobal);
    return r;
}

} // namespace latent
