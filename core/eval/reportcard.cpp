// SPDX-License-Identifier: MIT
#include "eval/reportcard.h"

#include "atomicfile.h"
#include "error.h"
#include "eval/evaluation.h"
#include "eval/numbertext.h"
#include "generators/sampling.h"
#include "imagegrid.h"
#include "jsonfields.h"
#include "runtime.h"
#include "views/directions.h"

#include <ATen/CPUGeneratorImpl.h>
#include <opencv2/core.hpp>
#include <torch/nn/functional.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>
#include <torch/serialize.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace latent {
namespace {

namespace fs = std::filesystem;

constexpr int kVersion = 1;      // of the classifier and its training: part of the cache key
constexpr int kMaxSide = 64;     // larger images are downscaled for the classifier
constexpr int kBatch = 128;      // classifier training batch
constexpr int kChunk = 500;      // images generated, shaped or classified at a time
constexpr double kPeakLr = 2e-3; // Adam, one cycle: warm-up then cosine decay
constexpr int kFeatures = 256;   // the classifier's feature layer (the Fréchet distance's space)

// A small CNN: three 3x3 conv + max-pool stages (32, 64, 128 channels), a
// 4x4 average pool, a 256-unit hidden layer (the features) and the classes.
struct ClassifierImpl : torch::nn::Module
{
    ClassifierImpl(int channels, int classes)
        : c1(register_module(
              "c1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 32, 3).padding(1)))),
          c2(register_module("c2",
                             torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)))),
          c3(register_module("c3",
                             torch::nn::Conv2d(torch::nn::Conv2dOptions(64, 128, 3).padding(1)))),
          fc(register_module("fc", torch::nn::Linear(128 * 16, kFeatures))),
          out(register_module("out", torch::nn::Linear(kFeatures, classes)))
    {
    }
    // [N, C, S, S] in [-1, 1] -> [N, 256]
    torch::Tensor features(torch::Tensor x)
    {
        x = torch::max_pool2d(torch::relu(c1(x)), 2);
        x = torch::max_pool2d(torch::relu(c2(x)), 2);
        x = torch::max_pool2d(torch::relu(c3(x)), 2);
        return torch::relu(fc(torch::adaptive_avg_pool2d(x, {4, 4}).flatten(1)));
    }
    torch::Tensor forward(torch::Tensor x) { return out(features(x)); }

    torch::nn::Conv2d c1, c2, c3;
    torch::nn::Linear fc, out;
};
TORCH_MODULE(Classifier);

// Weights uniform in +-1/sqrt(fan in) (PyTorch's default bound), biases zero,
// from a generator of the card's own: no global random state is touched.
void initialise(torch::nn::Module &net, at::Generator &gen)
{
    torch::NoGradGuard noGrad;
    for (auto &p : net.parameters()) {
        if (p.dim() < 2) {
            p.zero_();
            continue;
        }
        const double bound = 1.0 / std::sqrt(double(p.numel() / p.size(0)));
        p.copy_(at::rand(p.sizes(), gen, torch::kFloat32) * (2 * bound) - bound);
    }
}

// Bytes [N, C, S, S] -> floats in [-1, 1].
torch::Tensor unit(const torch::Tensor &bytes)
{
    return bytes.to(torch::kFloat32) / 127.5 - 1;
}

// [N, C, R, R] floats in [0, 1] -> bytes [N, C, side, side] (area filter when smaller).
torch::Tensor toSide(torch::Tensor x, int side)
{
    namespace F = torch::nn::functional;
    if (x.size(-1) != side)
        x = F::interpolate(
            x,
            F::InterpolateFuncOptions().size(std::vector<int64_t>{side, side}).mode(torch::kArea));
    return (x * 255).round().clamp(0, 255).to(torch::kUInt8);
}

// Reports the fraction of the whole card done and stops on cancel.
class Stages
{
public:
    Stages(const std::atomic<bool> *cancel, ReportCardProgress progress)
        : m_cancel(cancel), m_progress(std::move(progress))
    {
    }
    void begin(const std::string &name, double weight)
    {
        m_done += m_weight;
        m_name = name;
        m_weight = weight;
        tick(0);
    }
    void tick(double fraction) const
    {
        checkCancel();
        if (m_progress) m_progress(m_name, std::min(1.0, m_done + m_weight * fraction));
    }
    void checkCancel() const
    {
        if (m_cancel && m_cancel->load()) throw Cancelled();
    }

private:
    const std::atomic<bool> *m_cancel;
    ReportCardProgress m_progress;
    std::string m_name;
    double m_done = 0, m_weight = 0;
};

// A split's images as bytes [N, C, side, side], shaped to the generator's
// size first (so real and generated images take the same path).
torch::Tensor realImages(const ImageStore &store, int channels, int resolution, int side,
                         const Stages &stages)
{
    std::vector<torch::Tensor> parts;
    const std::int64_t n = store.size();
    for (std::int64_t i = 0; i < n; i += kChunk) {
        const auto idx = torch::arange(i, std::min(n, i + kChunk));
        parts.push_back(toSide(shapeImages(store, idx, channels, resolution), side));
        stages.tick(double(i + idx.size(0)) / double(n));
    }
    return torch::cat(parts);
}

struct Generated
{
    torch::Tensor images;  // [N, C, side, side] bytes
    torch::Tensor classes; // [N] int64 (-1: unconditional)
};

// n samples, sample i of class i mod classes (each chunk a whole number of
// rounds), drawn from `seed`; a diffusion generator samples with `sampler`
// (the card's, fixed at its start: the studio's sampler box may change the
// generator's own meanwhile), in batches of kDiffusionBatch so that a
// cancel and the studio's previews do not wait for a whole chunk.
Generated generateImages(const Generator &generator, int n, float truncation, std::uint64_t seed,
                         int side, const SamplerSettings &sampler, const Stages &stages)
{
    constexpr std::int64_t kDiffusionBatch = 64;
    const int classes = std::max(1, generator.info().numClasses);
    const int chunk = std::max(1, kChunk / classes) * classes;
    const std::int64_t batch = generator.info().isDiffusion() ? kDiffusionBatch : kChunk;
    std::vector<torch::Tensor> images, labels;
    torch::NoGradGuard noGrad;
    for (int i = 0; i < n; i += chunk) {
        SampleRequest r;
        r.count = std::min(chunk, n - i);
        r.seed = seed + std::uint64_t(i);
        r.truncation = truncation;
        r.classIndex = SampleRequest::kCycleClasses;
        const auto z = generator.sampleLatents(r); // [count, latent]
        const auto y = generator.sampleClasses(r); // [count]
        for (std::int64_t j = 0; j < r.count; j += batch) {
            const auto zb = z.slice(0, j, j + batch), yb = y.slice(0, j, j + batch);
            const ImageBatch b = generator.toImages(generator.generate(zb, yb, &sampler), yb);
            const auto hwc = torch::from_blob(const_cast<std::uint8_t *>(b.pixels.data()),
                                              {b.count, b.height, b.width, b.channels},
                                              torch::kUInt8); // [b, H, W, C] bytes
            images.push_back(toSide(hwc.permute({0, 3, 1, 2}).to(torch::kFloat32) / 255, side));
            labels.push_back(torch::tensor( // [b] on the CPU, as the images (host bytes)
                std::vector<std::int64_t>(b.classes.begin(), b.classes.end()), torch::kInt64));
            stages.tick(double(i + j + b.count) / n);
        }
    }
    return {torch::cat(images), torch::cat(labels)};
}

// Module construction draws its default initial weights from LibTorch's
// global generator: under the lock a run's own draws are made under.
Classifier newClassifier(int channels, int classes)
{
    std::lock_guard lock(globalGeneratorMutex());
    return Classifier(channels, classes);
}

Classifier trainClassifier(const torch::Tensor &x, const torch::Tensor &y, int classes, int epochs,
                           std::uint64_t seed, const Stages &stages)
{
    auto gen = at::detail::createCPUGenerator(seed);
    Classifier net = newClassifier(int(x.size(1)), classes);
    initialise(*net, gen);
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(kPeakLr));
    const std::int64_t n = x.size(0), perEpoch = std::max<std::int64_t>(1, n / kBatch);
    const std::int64_t total = perEpoch * epochs;
    std::int64_t step = 0;
    for (int e = 0; e < epochs; ++e) {
        const auto order = torch::randperm(n, gen);
        for (std::int64_t b = 0; b < perEpoch; ++b, ++step) {
            // Linear warm-up over the first 10% of the steps, then cosine decay to 0.
            const double t = double(step) / double(total);
            // (Capped: with under ten steps the ramp's first step overshot the peak.)
            const double lr = kPeakLr * (t < 0.1 ? std::min(1.0, (t + 1.0 / total) / 0.1)
                                                 : 0.5 * (1 + std::cos(M_PI * (t - 0.1) / 0.9)));
            for (auto &group : opt.param_groups())
                static_cast<torch::optim::AdamOptions &>(group.options()).lr(lr);
            const auto idx = order.slice(0, b * kBatch, (b + 1) * kBatch);
            const auto loss = torch::cross_entropy_loss(net->forward(unit(x.index_select(0, idx))),
                                                        y.index_select(0, idx));
            opt.zero_grad();
            loss.backward();
            opt.step();
            stages.tick(double(step + 1) / double(total));
        }
    }
    net->eval();
    return net;
}

// {held out, the rest}: counts[c] images of class c (at most a fifth of
// them, or one of a class of 2 to 9: an equal count from a small class would
// leave the classifier next to none of it), each class's members shuffled
// by `gen`; sorted indices.
std::pair<torch::Tensor, torch::Tensor>
holdOut(const torch::Tensor &labels, const std::vector<std::int64_t> &counts, at::Generator &gen)
{
    std::vector<torch::Tensor> held, rest;
    for (std::size_t c = 0; c < counts.size(); ++c) {
        const auto members = labels.eq(std::int64_t(c)).nonzero().flatten();
        const std::int64_t n = members.size(0);
        const std::int64_t most = n >= 2 ? std::max<std::int64_t>(1, n / 5) : 0;
        const std::int64_t take = std::max<std::int64_t>(0, std::min(counts[c], most));
        const auto shuffled = members.index_select(0, torch::randperm(n, gen));
        held.push_back(shuffled.slice(0, 0, take));
        rest.push_back(shuffled.slice(0, take));
    }
    return {std::get<0>(torch::cat(held).sort()), std::get<0>(torch::cat(rest).sort())};
}

// Logits ([N, classes]) or features ([N, 256]) of bytes [N, C, S, S].
torch::Tensor apply(Classifier &net, const torch::Tensor &x, bool features, const Stages &stages)
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> parts;
    for (std::int64_t i = 0; i < x.size(0); i += kChunk) {
        stages.checkCancel();
        const auto batch = unit(x.slice(0, i, i + kChunk));
        parts.push_back(features ? net->features(batch) : net->forward(batch));
    }
    return torch::cat(parts);
}

// ||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)) of two feature sets [N, F],
// tr((S1 S2)^(1/2)) from the eigenvalues of the symmetric S1^(1/2) S2 S1^(1/2).
double frechetDistance(const torch::Tensor &a, const torch::Tensor &b)
{
    const auto stats = [](const torch::Tensor &f) {
        const auto x = f.to(torch::kFloat64);
        const auto mu = x.mean(0);
        const auto c = x - mu;
        return std::make_pair(mu, c.t().mm(c) / double(std::max<std::int64_t>(1, x.size(0) - 1)));
    };
    const auto [mu1, s1] = stats(a);
    const auto [mu2, s2] = stats(b);
    const auto [e1, v1] = torch::linalg_eigh(s1, "L");
    const auto root1 = v1.mm(torch::diag(e1.clamp_min(0).sqrt())).mm(v1.t());
    const auto m = root1.mm(s2).mm(root1);
    const auto traceRoot = torch::linalg_eigvalsh((m + m.t()) / 2, "L").clamp_min(0).sqrt().sum();
    return ((mu1 - mu2).pow(2).sum() + s1.trace() + s2.trace() - 2 * traceRoot).item<double>();
}

// Per class c: the share of `predicted` equal to `truth` among items of class c.
std::vector<double> perClass(const torch::Tensor &predicted, const torch::Tensor &truth,
                             int classes)
{
    std::vector<double> out(std::size_t(classes), ReportCard::kNone);
    for (int c = 0; c < classes; ++c) {
        const auto members = truth.eq(c);
        const auto n = members.sum().item<std::int64_t>();
        if (n > 0)
            out[std::size_t(c)] = (predicted.eq(truth) & members).sum().item<double>() / double(n);
    }
    return out;
}

double accuracy(const torch::Tensor &logits, const torch::Tensor &truth)
{
    return logits.argmax(1).eq(truth).to(torch::kFloat64).mean().item<double>();
}

// FNV-1a, 64 bits, as hex: stable file names and fingerprints for the cache.
struct Fnv1a
{
    std::uint64_t h = 1469598103934665603ull;
    void add(const void *data, std::size_t n)
    {
        const auto *bytes = static_cast<const unsigned char *>(data);
        for (std::size_t i = 0; i < n; ++i)
            h = (h ^ bytes[i]) * 1099511628211ull;
    }
    std::string hex() const
    {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

std::string hashText(const std::string &text)
{
    Fnv1a f;
    f.add(text.data(), text.size());
    return f.hex();
}

std::string normalisedName(const std::string &name)
{
    std::string out;
    for (unsigned char c : name) // ASCII letters and digits lower-cased, other bytes kept
        if (c >= 128 || std::isalnum(c)) out.push_back(char(c < 128 ? std::tolower(c) : c));
    return out;
}

void checkCardInputs(const Generator &generator, const Dataset &data,
                     const ReportCardOptions &options)
{
    requireProbeable(data, "the report card's classifiers", !options.onValidation);
    const GeneratorInfo &info = generator.info();
    const int classes = int(data.classNames.size());
    if (info.resolution < 8)
        throw Error("generator " + generator.path() + " makes " + std::to_string(info.resolution) +
                    " px images; the report card's classifier needs at least 8 px");
    if (info.isConditional() && info.numClasses != classes)
        throw Error("generator " + generator.path() + " has " + std::to_string(info.numClasses) +
                    " classes but dataset " + data.path + " has " + std::to_string(classes) +
                    "; the report card compares them class by class, so the data must have the "
                    "generator's classes");
    if (options.samples < 2 || options.epochs < 1)
        throw Error("report card: samples must be at least 2 and epochs at least 1");
    if (info.isConditional() && options.casImages > 0 && options.casImages < classes)
        throw Error("report card: " + std::to_string(options.casImages) +
                    " CAS images cannot show each of the " + std::to_string(classes) +
                    " classes; use at least one per class");
}

// How a diffusion generator samples, in words; "" for a GAN.
std::string samplingText(const GeneratorInfo &info, const SamplerSettings &s)
{
    if (!info.isDiffusion()) return "";
    return "DDIM, " + std::to_string(s.steps) + " steps, guidance " + fixedText(s.guidance, 2) +
           ", eta " + fixedText(s.eta, 2);
}

std::string splitSizes(const Dataset &data)
{
    return "train " + std::to_string(data.train.size()) + ", val " +
           std::to_string(data.val.size()) + ", test " + std::to_string(data.test.size());
}

// The card's settings and classes, before anything is measured.
ReportCard newCard(const Generator &generator, const Dataset &data,
                   const ReportCardOptions &options, const SamplerSettings &s)
{
    const GeneratorInfo &info = generator.info();
    ReportCard card;
    card.conditional = info.isConditional();
    card.channels = info.channels;
    card.classifierSide = std::min(info.resolution, kMaxSide);
    card.samples = options.samples;
    card.epochs = options.epochs;
    card.truncation = options.truncation;
    card.seed = options.seed;
    card.onValidation = options.onValidation;
    card.ownValidation = options.onValidation && !data.val.empty();
    card.sampling = samplingText(info, s);
    card.dataImages = splitSizes(data);
    if (!data.skipped.empty())
        card.warnings.push_back(std::to_string(data.skipped.size()) + " unreadable image(s) of " +
                                data.path + " were left out (skip unreadable images)");
    for (const std::string &name : data.classNames) {
        ReportCardClass k;
        k.name = name;
        card.classes.push_back(k);
    }
    return card;
}

// The data's class of each class of a conditional generator [numClasses]:
// by index, or by name where the generator names its classes in another
// order (a class folder set lists them alphabetically, Fashion-MNIST does
// not); by index for data named by label numbers (IDX: the card then shows
// the generator's names); empty, with warnings, where the names cannot be
// matched: fidelity and CAS would then compare unrelated classes.
std::vector<std::int64_t> dataClassOf(const GeneratorInfo &info, const Dataset &data,
                                      ReportCard &card)
{
    const int classes = int(data.classNames.size());
    std::vector<std::int64_t> same(static_cast<std::size_t>(classes));
    for (int c = 0; c < classes; ++c)
        same[std::size_t(c)] = c;
    // Data without names of its own (an IDX folder's are its label numbers).
    bool numbered = true;
    for (int c = 0; c < classes; ++c)
        numbered = numbered && data.classNames[std::size_t(c)] == std::to_string(c);
    if (info.classNames.empty()) return same;
    if (numbered) { // the generator's names are the only ones
        for (int c = 0; c < classes; ++c)
            card.classes[std::size_t(c)].name = info.className(c);
        return same;
    }
    std::vector<std::string> names;
    for (const std::string &n : data.classNames)
        names.push_back(normalisedName(n));
    std::vector<std::int64_t> byName;
    for (int c = 0; c < classes; ++c) {
        const std::string own = normalisedName(info.className(c));
        const auto found = std::find(names.begin(), names.end(), own);
        if (found == names.end() || std::count(names.begin(), names.end(), own) != 1) break;
        byName.push_back(found - names.begin());
    }
    if (byName == same) return same;
    if (int(byName.size()) == classes) {
        card.warnings.push_back("the generator lists the data's classes in another order; they "
                                "are matched by name (its class 0, \"" +
                                info.className(0) + "\", is the data's class " +
                                std::to_string(byName[0]) + ")");
        return byName;
    }
    for (int c = 0; c < classes; ++c)
        if (normalisedName(info.className(c)) != names[std::size_t(c)])
            card.warnings.push_back("class " + std::to_string(c) + " is \"" + info.className(c) +
                                    "\" in the generator but \"" + data.classNames[std::size_t(c)] +
                                    "\" in the data");
    card.warnings.push_back("fidelity and CAS are not measured: the generator's classes do not "
                            "match the data's by index or by name");
    return {};
}

// The real images the classifiers train on and are measured on: bytes
// [N, C, side, side] and labels [N].
struct RealSplits
{
    torch::Tensor trainX, trainY, testX, testY;
};

// What the cached real-trained classifier depends on besides its settings:
// the images it trains on, their labels and the class names (a renamed or
// relabelled class folder keeps every count the key held before).
std::string contentFingerprint(const RealSplits &real, const std::vector<std::string> &names)
{
    Fnv1a f;
    for (const torch::Tensor &t : {real.trainX.contiguous(), real.trainY.contiguous()})
        f.add(t.data_ptr(), t.nbytes());
    for (const std::string &n : names)
        f.add(n.c_str(), n.size() + 1);
    return f.hex();
}

RealSplits readRealSplits(const Dataset &data, const GeneratorInfo &info, int side,
                          bool onValidation, Stages &stages)
{
    RealSplits r;
    stages.begin("reading the real training images", 0.08);
    r.trainX = realImages(data.train, info.channels, info.resolution, side, stages);
    // Labels [N] int64 on the CPU, like the byte stores they index; the card runs on the CPU.
    r.trainY = labelsOf(data.train, torch::arange(data.train.size()));
    if (onValidation && !data.val.empty()) {
        // The dataset's own val split stands in for test (as for the probes).
        stages.begin("reading the real validation images", 0.02);
        r.testX = realImages(data.val, info.channels, info.resolution, side, stages);
        r.testY = labelsOf(data.val, torch::arange(data.val.size()));
    } else if (onValidation) {
        // [n] indices: the probes' validation part stands in for test.
        const ValidationSplit split;
        const auto [rest, validation] =
            carveValidation(data.train, int(data.classNames.size()), split);
        if (validation.numel() == 0)
            throw Error("dataset " + data.path + " has too few training images to set " +
                        percentText(split.fraction, 0) + "% of them aside for a report card on " +
                        "validation (a class needs " +
                        std::to_string(fewestImagesForValidation(split)) +
                        " or more images to give one); measure it on the test split instead");
        r.testX = r.trainX.index_select(0, validation);
        r.testY = r.trainY.index_select(0, validation);
        r.trainX = r.trainX.index_select(0, rest);
        r.trainY = r.trainY.index_select(0, rest);
    } else {
        stages.begin("reading the real test images", 0.02);
        r.testX = realImages(data.test, info.channels, info.resolution, side, stages);
        r.testY = labelsOf(data.test, torch::arange(data.test.size()));
    }
    return r;
}

// The real-trained classifier, trained on `fitted` rows of the train split or
// read from the cache (one file per dataset and settings).
Classifier realClassifier(const RealSplits &real, const torch::Tensor &fitted,
                          const std::string &cacheKey, const Dataset &data,
                          const ReportCardOptions &options, ReportCard &card, Stages &stages)
{
    const int classes = int(data.classNames.size());
    const std::string cached =
        options.cacheDir.empty() ? "" : options.cacheDir + "/" + hashText(cacheKey) + ".pt";
    Classifier net = newClassifier(card.channels, classes);
    stages.begin("training the classifier on real data", card.conditional ? 0.3 : 0.7);
    if (!cached.empty() && fs::exists(cached)) {
        try {
            torch::load(net, cached);
            net->eval();
            card.classifierFromCache = true;
            return net;
        } catch (const std::exception &) {
            // A damaged cache file is trained again and replaced.
        }
    }
    net = trainClassifier(real.trainX.index_select(0, fitted), real.trainY.index_select(0, fitted),
                          classes, options.epochs, options.seed, stages);
    if (!cached.empty()) {
        // A cache that cannot be written (read-only, full) costs the next
        // card this training again, not this card.
        try {
            fs::create_directories(options.cacheDir);
            std::ostringstream bytes;
            torch::save(net, bytes);
            writeFileAtomically(cached, bytes.str());
        } catch (const std::exception &e) {
            card.warnings.push_back("the real-data classifier was not cached (" +
                                    std::string(e.what()) + "); the next card trains it again");
        }
    }
    return net;
}

// Fidelity of `samples` under the real-trained classifier, and CAS: a
// classifier trained on a fresh generated set, measured on real test.
void measureClassFigures(const Generator &generator, const SamplerSettings &sampler,
                         Classifier &real, const Generated &samples,
                         const std::vector<std::int64_t> &dataClassOfGenerated,
                         std::int64_t realFitted, const RealSplits &splits,
                         const ReportCardOptions &options, ReportCard &card, Stages &stages)
{
    const int classes = int(card.classes.size());
    const auto toData = torch::tensor(dataClassOfGenerated, torch::kInt64); // [classes]
    const auto target = toData.index_select(0, samples.classes);
    const auto predicted = apply(real, samples.images, false, stages).argmax(1);
    card.fidelity = predicted.eq(target).to(torch::kFloat64).mean().item<double>();
    const auto fidelity = perClass(predicted, target, classes);

    // As many as the real-trained classifier's, so that "CAS / real-trained"
    // compares equal amounts of training data.
    card.casImages = options.casImages > 0 ? options.casImages : int(realFitted);
    stages.begin("generating the CAS training set", 0.1);
    const Generated casSet =
        generateImages(generator, card.casImages, options.truncation,
                       streamSeed(options.seed, "card-cas"), card.classifierSide, sampler, stages);
    stages.begin("training the classifier on generated samples", 0.3);
    Classifier casNet = trainClassifier(casSet.images, toData.index_select(0, casSet.classes),
                                        classes, options.epochs, options.seed, stages);
    const auto casLogits = apply(casNet, splits.testX, false, stages);
    card.cas = accuracy(casLogits, splits.testY);
    const auto casRecall = perClass(casLogits.argmax(1), splits.testY, classes);
    for (int c = 0; c < classes; ++c) {
        card.classes[std::size_t(c)].fidelity = fidelity[std::size_t(c)];
        card.classes[std::size_t(c)].casRecall = casRecall[std::size_t(c)];
    }
}

// The first `rows` samples (classes in turn), each followed by its nearest
// real training images by cosine similarity of the features; sets
// card.nearest [rows * (k + 1) images] and card.nearestColumns.
void nearestGrid(const torch::Tensor &samples, const torch::Tensor &samplesF,
                 const torch::Tensor &trainX, const torch::Tensor &trainF,
                 const ReportCardOptions &options, ReportCard &card)
{
    const int rows = std::min<int>(options.nearestRows, int(samplesF.size(0)));
    const int k = std::min<int>(options.nearestNeighbours, int(trainX.size(0)));
    namespace F = torch::nn::functional;
    const auto norm = F::NormalizeFuncOptions().dim(1);
    const auto nearest = F::normalize(samplesF.slice(0, 0, rows), norm)
                             .mm(F::normalize(trainF, norm).t())
                             .topk(k, 1);
    std::vector<torch::Tensor> tiles;
    for (int r = 0; r < rows; ++r) {
        tiles.push_back(samples.slice(0, r, r + 1));
        tiles.push_back(trainX.index_select(0, std::get<1>(nearest)[r]));
    }
    card.nearest = toImageBatch(torch::cat(tiles), 0, 255); // [N, C, S, S] uint8
    card.nearestColumns = k + 1;
}

} // namespace

std::string reportCardDifference(const std::string &jsonPath, const Generator &generator,
                                 const Dataset &data, const std::string &dataName,
                                 const ReportCardOptions &o)
{
    if (!fs::exists(jsonPath)) return "it has no report-card.json";
    try {
        const json::Json j =
            json::parse(readFileCapped(jsonPath, "report card " + jsonPath, 1 << 24),
                        "report card " + jsonPath, 1 << 24);
        std::vector<std::string> differ;
        if (j.value("data", std::string()) != dataName) differ.push_back("data");
        // A folder that gained a val/ split or images since: the same name, other data.
        const std::string then = j.value("data_images", std::string()), now = splitSizes(data);
        if (j.contains("data_images") && then != now)
            differ.push_back("data splits (" + then + " then, " + now + " now)");
        if (j.value("sampling", std::string()) !=
            samplingText(generator.info(), generator.samplerSettings()))
            differ.push_back("sampler");
        if (j.value("samples", -1) != o.samples) differ.push_back("samples");
        // 0: no CAS was measured (an unconditional generator, unmatched classes).
        if (o.casImages > 0 && j.value("cas_images", -1) > 0 &&
            j.value("cas_images", -1) != o.casImages)
            differ.push_back("CAS images");
        if (j.value("classifier_epochs", -1) != o.epochs) differ.push_back("epochs");
        if (std::abs(j.value("truncation", -1.0) - double(o.truncation)) > 1e-6)
            differ.push_back("truncation");
        if (j.contains("seed") && j.value("seed", std::uint64_t(0)) != o.seed)
            differ.push_back("seed");
        if (j.value("evaluated_on", std::string()) != (o.onValidation ? "validation" : "test"))
            differ.push_back("split");
        std::string text;
        for (const std::string &d : differ)
            text += (text.empty() ? "other " : ", ") + d;
        return text;
    } catch (const std::exception &e) {
        return e.what();
    }
}

std::string defaultClassifierCacheDir()
{
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/latent-studio/classifiers";
    if (const char *home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/latent-studio/classifiers";
    return {};
}

ReportCard computeReportCard(const Generator &generator, const Dataset &data,
                             const ReportCardOptions &options, const std::atomic<bool> *cancel,
                             const ReportCardProgress &progress)
{
    checkCardInputs(generator, data, options);
    const SamplerSettings sampler = generator.samplerSettings(); // the card's throughout
    const GeneratorInfo &info = generator.info();
    const int classes = int(data.classNames.size());
    ReportCard card = newCard(generator, data, options, sampler);
    const int side = card.classifierSide;
    Stages stages(cancel, progress);
    const RealSplits real = readRealSplits(data, info, side, options.onValidation, stages);
    card.realTrain = int(real.trainX.size(0));
    card.realTest = int(real.testX.size(0));

    // The Frechet reference compares real training images the classifier has
    // not seen (its own training images' features sit apart) with the test
    // split: about `m` of them are held out of its training, with the class
    // mix of the `m` generated samples the distance is measured on (classes
    // in turn; unconditional: the train split's mix), since the distance in
    // class-separating features mostly measures the class mix.
    const std::int64_t m = std::min<std::int64_t>(options.samples, real.trainX.size(0) / 5);
    if (m < 2)
        throw Error(
            "dataset " + data.path + " has " + std::to_string(real.trainX.size(0)) +
            " training images" +
            (options.onValidation && data.val.empty() ? " besides its validation part" : "") +
            "; the report card needs at least 10");
    std::vector<std::int64_t> counts(static_cast<std::size_t>(classes));
    for (int c = 0; c < classes; ++c)
        counts[std::size_t(c)] =
            card.conditional ? m / classes + (c < m % classes ? 1 : 0)
                             : std::llround(double(m) * real.trainY.eq(c).sum().item<double>() /
                                            double(real.trainY.size(0)));
    auto gen = at::detail::createCPUGenerator(streamSeed(options.seed, "card-reference"));
    const auto [heldOut, fitted] = holdOut(real.trainY, counts, gen);
    std::ostringstream key;
    key << kVersion << '|' << data.format << '|' << fs::absolute(data.path).string() << '|'
        << data.train.size() << '|' << data.test.size() << '|' << data.train.byteCount() << '|'
        << classes << '|' << info.channels << '|' << info.resolution << '|' << side << '|'
        << options.epochs << '|' << options.seed << '|' << m << '|' << options.onValidation << '|'
        << card.conditional << '|' << contentFingerprint(real, data.classNames);
    Classifier net = realClassifier(real, fitted, key.str(), data, options, card, stages);
    const auto realLogits = apply(net, real.testX, false, stages);
    card.realAccuracy = accuracy(realLogits, real.testY);
    const auto realRecall = perClass(realLogits.argmax(1), real.testY, classes);
    for (int c = 0; c < classes; ++c)
        card.classes[std::size_t(c)].realRecall = realRecall[std::size_t(c)];

    stages.begin("generating samples", 0.1);
    const Generated samples =
        generateImages(generator, options.samples, options.truncation,
                       streamSeed(options.seed, "card-samples"), side, sampler, stages);
    if (card.conditional) {
        const std::vector<std::int64_t> dataClass = dataClassOf(info, data, card);
        if (!dataClass.empty())
            measureClassFigures(generator, sampler, net, samples, dataClass, fitted.size(0), real,
                                options, card, stages);
    }

    stages.begin("features", 0.1);
    const auto testF = apply(net, real.testX, true, stages);
    const auto trainF = apply(net, real.trainX, true, stages);
    const auto samplesF = apply(net, samples.images.slice(0, 0, m), true, stages);
    card.frechet = frechetDistance(samplesF, testF);
    card.frechetImages = int(m);
    card.frechetReferenceImages = int(heldOut.size(0));
    card.frechetReference = frechetDistance(trainF.index_select(0, heldOut), testF);
    if (const std::int64_t fewest = std::min<std::int64_t>(m, heldOut.size(0)); fewest < kFeatures)
        card.warnings.push_back(
            "the Fréchet distances compare " + std::to_string(fewest) + " images in " +
            std::to_string(kFeatures) +
            " feature dimensions: their covariances are singular and both distances read high; "
            "compare them with each other only, or use more samples and training images");
    stages.tick(0.8);
    nearestGrid(samples.images, samplesF, real.trainX, trainF, options, card);
    stages.tick(1);
    return card;
}

std::string reportCardMarkdown(const ReportCard &c, const std::string &nearestImage)
{
    // On validation, "test" is the probes' validation part throughout.
    const std::string test = c.onValidation ? "validation" : "test";
    std::ostringstream o;
    o << "Generator " << c.generator;
    if (!c.sampling.empty()) o << " (" << c.sampling << ")";
    o << " against " << c.data << " (train " << c.realTrain << ", " << test << " " << c.realTest
      << " images, " << c.classes.size() << " classes).\n\n";
    if (c.onValidation && c.ownValidation) {
        o << "Measured on validation: the dataset's val split (the probes' validation part) "
          << "stands in for test; the test split is not read.\n\n";
    } else if (c.onValidation) {
        const ValidationSplit split;
        o << "Measured on validation: " << percentText(split.fraction) << "% of each class of "
          << "the train split (seed " << split.seed << ", the probes' default validation part) "
          << "stand in "
          << "for test, and the classifiers train on the rest; the test split is not read.\n\n";
    }
    o << "| figure | value | reference |\n|---|---|---|\n";
    const std::string truncation =
        c.truncation > 0 ? "truncation " + fixedText(c.truncation, 2) : "no truncation";
    if (c.conditional && std::isnan(c.fidelity))
        o << "| fidelity, CAS | not measured: the classes do not match (below) | – |\n";
    else if (c.conditional)
        o << "| fidelity, " << c.samples << " samples | " << percentText(c.fidelity)
          << "% | chance " << percentText(1.0 / double(c.classes.size())) << "% |\n"
          << "| CAS, " << c.casImages << " generated training images | " << percentText(c.cas)
          << "% | real-trained " << percentText(c.realAccuracy) << "% (ratio "
          << fixedText(c.cas / c.realAccuracy, 3) << ") |\n";
    o << "| Fréchet distance, " << c.frechetImages << " samples | " << fixedText(c.frechet, 2)
      << " | held-out real " << fixedText(c.frechetReference, 2) << " (ratio "
      << fixedText(c.frechet / std::max(c.frechetReference, 1e-9), 1) << "x) |\n\n";
    if (c.conditional)
        o << "Fidelity: the share of generated samples (" << truncation
          << ") that the real-trained classifier assigns to their conditioning class. CAS: the "
             "accuracy on real "
          << test
          << " of the same classifier trained only on generated samples, "
             "beside the one trained on real train. ";
    o << "Fréchet distance: between generated samples and real " << test
      << " in the real-trained classifier's features; the reference compares "
      << c.frechetReferenceImages
      << " real training images held out of the classifier (with the samples' class mix) with "
         "real "
      << test << ".";
    if (c.frechetImages < c.samples)
        o << " It uses " << c.frechetImages << " of the " << c.samples
          << " samples: the reference holds out a fifth of the train split at most.";
    if (c.frechetReferenceImages < c.frechetImages)
        o << " The reference holds out fewer (" << c.frechetReferenceImages
          << "): a fifth of each class at most.";
    o << "\n\n";
    // An unconditional generator has no class of its own: only the real
    // classifier's recall per class.
    if (c.conditional)
        o << "| class | fidelity % | CAS recall % | real-trained recall % |\n|---|---|---|---|\n";
    else
        o << "| class | real-trained recall % |\n|---|---|\n";
    for (const ReportCardClass &k : c.classes) {
        o << "| " << k.name << " | ";
        if (c.conditional)
            o << percentText(k.fidelity) << " | " << percentText(k.casRecall) << " | ";
        o << percentText(k.realRecall) << " |\n";
    }
    o << "\n";
    for (const std::string &w : c.warnings)
        o << "Warning: " << w << ".\n\n";
    if (!nearestImage.empty())
        o << "![Generated samples (first column) and their nearest real training images]("
          << nearestImage << ")\n\n";
    o << "Classifier: three 3x3 conv stages (32, 64, 128) and a 256-unit feature layer, input "
      << c.channels << "x" << c.classifierSide << "x" << c.classifierSide << ", Adam, " << c.epochs
      << " epoch(s) over its training images; the real-trained one "
      << (c.classifierFromCache ? "read from the cache" : "trained for this card") << ". Real "
      << test << " accuracy of the real-trained classifier: " << percentText(c.realAccuracy)
      << "%.\n";
    return o.str();
}

std::string reportCardJson(const ReportCard &c)
{
    const auto number = [](double v) { return std::isnan(v) ? json::Json() : json::Json(v); };
    json::Json classes = json::Json::array();
    for (const ReportCardClass &k : c.classes)
        classes.push_back({{"name", k.name},
                           {"fidelity", number(k.fidelity)},
                           {"cas_recall", number(k.casRecall)},
                           {"real_recall", number(k.realRecall)}});
    const json::Json j = {{"generator", c.generator},
                          {"data", c.data},
                          {"conditional", c.conditional},
                          {"real_train", c.realTrain},
                          {"evaluated_on", c.onValidation ? "validation" : "test"},
                          {"validation_part", !c.onValidation   ? json::Json()
                                              : c.ownValidation ? kOwnValidationPart
                                                                : kCarvedValidationPart},
                          {"sampling", c.sampling},
                          {"data_images", c.dataImages},
                          {"real_test", c.realTest},
                          {"seed", c.seed},
                          {"samples", c.samples},
                          {"cas_images", c.casImages},
                          {"truncation", c.truncation},
                          {"classifier_input", {c.channels, c.classifierSide, c.classifierSide}},
                          {"classifier_epochs", c.epochs},
                          {"classifier_from_cache", c.classifierFromCache},
                          {"real_test_accuracy", number(c.realAccuracy)},
                          {"fidelity", number(c.fidelity)},
                          {"cas", number(c.cas)},
                          {"frechet", number(c.frechet)},
                          {"frechet_real_train_vs_test", number(c.frechetReference)},
                          {"frechet_images", c.frechetImages},
                          {"frechet_reference_images", c.frechetReferenceImages},
                          {"classes", classes},
                          {"warnings", c.warnings}};
    return j.dump(2) + "\n";
}

void writeReportCard(const ReportCard &card, const std::string &dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("report card folder " + dir + ": cannot create it: " + ec.message());
    savePng(makeGrid(card.nearest, card.nearestColumns), dir + "/nearest.png");
    writeFileAtomically(dir + "/report-card.json", reportCardJson(card));
    writeFileAtomically(dir + "/report-card.md",
                        "# Generator report card\n\n" + reportCardMarkdown(card, "nearest.png"));
}

} // namespace latent
