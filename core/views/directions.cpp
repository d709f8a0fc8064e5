// SPDX-License-Identifier: MIT
#include "views/directions.h"

#include "error.h"
#include "generators/generator.h"
#include "generators/sampling.h"
#include "runtime.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/optim/adam.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>
#include <cstdio>

namespace latent {
namespace {

std::vector<std::vector<float>> rowsOf(const at::Tensor &m)
{
    const auto c = m.to(torch::kFloat32).contiguous();
    std::vector<std::vector<float>> rows;
    for (int64_t i = 0; i < c.size(0); ++i)
        rows.emplace_back(c[i].data_ptr<float>(), c[i].data_ptr<float>() + c.size(1));
    return rows;
}

void report(const Progress &progress, float fraction, const std::string &status)
{
    if (progress && !progress(fraction, status)) throw Cancelled();
}

void checkK(int k, int latent)
{
    if (k < 1 || k > latent)
        throw Error("asked for " + std::to_string(k) + " directions; expected 1 to " +
                    std::to_string(latent) + " (the latent size)");
}

// Images in the generator's output range -> [-1, 1].
at::Tensor normalised(const Generator &g, const at::Tensor &x)
{
    const float lo = g.info().outputMin, hi = g.info().outputMax;
    return (x - lo) * (2.0f / (hi - lo)) - 1.0f;
}

} // namespace

int DirectionSet::indexOf(const std::string &label) const
{
    for (int i = 0; i < size(); ++i)
        if (labels[i] == label) return i;
    return -1;
}

namespace {

// How many latent inputs a weight can take, as SeFa reads it: a linear
// layer's [out, in] takes `in`; a transposed convolution's [in, out, kh, kw]
// takes `in` channels (DCGAN's first layer, z as [N, latent, 1, 1]); -1 for
// anything else.
int64_t latentInputs(const std::vector<int64_t> &sizes)
{
    return sizes.size() == 2 ? sizes[1] : sizes.size() == 4 ? sizes[0] : -1;
}

// The part of the weight that z feeds, as A [outputs, latent]: the first
// `latent` input columns of a linear layer; for a transposed convolution at
// 1x1 input every output (channel, row, column) is linear in z, so its first
// `latent` input channels flattened.
at::Tensor latentProjection(const at::Tensor &w, int64_t latent)
{
    if (w.dim() == 2) return w.slice(1, 0, latent);
    return w.slice(0, 0, latent).reshape({latent, -1}).t();
}

} // namespace

DirectionSet sefaDirections(const Generator &generator, int k, const std::string &parameter)
{
    if (generator.info().isDiffusion())
        throw Error("SeFa: " + generator.path() +
                    " is a diffusion model: SeFa factorises the first linear layer that takes a "
                    "GAN's latent, and a diffusion model's latent (its starting noise x_T) goes "
                    "through no such layer; use PCA, random or learned directions");
    const int latent = generator.info().latentSize;
    checkK(k, latent);
    if (latent > kMaxSefaLatent)
        throw Error("SeFa: " + generator.path() + " has a latent of " + std::to_string(latent) +
                    " values, and SeFa factorises a latent x latent matrix (at most " +
                    std::to_string(kMaxSefaLatent) + "); use PCA, random or learned directions");
    // Chosen by shape; only that weight is copied.
    const ParameterShape *chosenShape = nullptr;
    for (const ParameterShape &p : generator.parameterShapes()) {
        if (!parameter.empty()) {
            if (p.name == parameter) chosenShape = &p;
        } else if (latentInputs(p.sizes) == latent) {
            chosenShape = &p;
            break;
        } else if (!chosenShape && latentInputs(p.sizes) > latent) {
            chosenShape = &p; // keep looking for an exact match
        }
    }
    if (!chosenShape) {
        if (!parameter.empty())
            throw Error("SeFa: " + generator.path() + " has no parameter named '" + parameter +
                        "'");
        throw Error("SeFa: " + generator.path() + " has no linear weight with at least " +
                    std::to_string(latent) +
                    " inputs, nor a transposed convolution with at least " +
                    std::to_string(latent) +
                    " input channels, for its latent to feed; name the projection weight "
                    "explicitly, or use PCA, random or learned directions");
    }
    const std::string &chosen = chosenShape->name;
    if (latentInputs(chosenShape->sizes) < 0)
        throw Error("SeFa: parameter '" + chosen + "' has " +
                    std::to_string(chosenShape->sizes.size()) +
                    " dimensions; expected a linear weight [out, in] or a transposed "
                    "convolution's [in, out, kh, kw]");
    if (latentInputs(chosenShape->sizes) < latent)
        throw Error("SeFa: parameter '" + chosen + "' has input size " +
                    std::to_string(latentInputs(chosenShape->sizes)) +
                    ", smaller than the latent size " + std::to_string(latent));
    const at::Tensor weight = generator.parameter(chosen);
    auto a = latentProjection(weight, latent).to(torch::kFloat64); // [out, latent]
    a = a / a.norm(2, {0}, true).clamp_min(1e-12);
    auto [values, vectors] = torch::linalg_eigh(a.t().mm(a), "L"); // ascending
    DirectionSet set;
    set.name = "sefa";
    set.method = "sefa";
    set.params = {{"parameter", chosen},
                  {"k", std::to_string(k)},
                  {"columns", "0.." + std::to_string(latent - 1)}};
    set.latentSize = latent;
    for (int i = 0; i < k; ++i) {
        const int64_t col = latent - 1 - i;
        set.labels.push_back("sefa " + std::to_string(i));
        set.scores.push_back(values[col].item<double>());
    }
    set.vectors = rowsOf(vectors.flip({1}).slice(1, 0, k).t());
    return set;
}

std::vector<std::string> sefaCandidates(const Generator &generator)
{
    std::vector<std::string> names;
    if (generator.info().isDiffusion()) return names;
    for (const ParameterShape &p : generator.parameterShapes())
        if (latentInputs(p.sizes) >= generator.info().latentSize) names.push_back(p.name);
    return names;
}

DirectionSet pcaDirections(const Generator &generator, int k, int samples, std::uint64_t seed,
                           const Progress &progress)
{
    const int latent = generator.info().latentSize;
    checkK(k, latent);
    if (samples < 2 * k)
        throw Error("PCA: " + std::to_string(samples) + " samples for " + std::to_string(k) +
                    " components; expected at least " + std::to_string(2 * k));
    // The images [N, C*H*W] in double precision, centred and factorised (about
    // three copies), and the latents [N, latent]: refused before sampling
    // where that would not fit, with the count that would.
    const GeneratorInfo &info = generator.info();
    const double pixels = double(info.channels) * info.resolution * info.resolution;
    const double bytesPerSample = 8.0 * (3 * pixels + latent);
    constexpr double kBudget = 4.0 * (1 << 30);
    if (samples * bytesPerSample > kBudget)
        throw Error("PCA: " + std::to_string(samples) + " samples of " +
                    std::to_string(info.channels) + " x " + std::to_string(info.resolution) +
                    " x " + std::to_string(info.resolution) + " images take about " +
                    std::to_string(std::lround(samples * bytesPerSample / (1 << 30))) +
                    " GiB in double precision, more than 4 GiB; use at most " +
                    std::to_string(int(kBudget / bytesPerSample)) + " samples");
    SampleRequest request{samples, seed, 0.0f, SampleRequest::kUniformClasses};
    const auto z = generator.sampleLatents(request);
    const auto y = generator.sampleClasses(request);
    std::vector<at::Tensor> outputs;
    // Progress and cancel between chunks: a diffusion model's image is a
    // whole sampler run, so its chunks are small (500 took minutes).
    const int chunk = info.isDiffusion() ? 16 : 500;
    {
        c10::InferenceMode guard;
        for (int i = 0; i < samples; i += chunk) {
            const int n = std::min(chunk, samples - i);
            outputs.push_back(
                generator.generate(z.slice(0, i, i + n), y.slice(0, i, i + n)).flatten(1));
            report(progress, 0.9f * (i + n) / samples,
                   "sampled " + std::to_string(i + n) + "/" + std::to_string(samples));
        }
    }
    auto x = torch::cat(outputs).to(torch::kFloat64); // [N, C*H*W]
    x = x - x.mean(0, true);
    auto [u, s, vh] = torch::linalg_svd(x, /*full_matrices=*/false);
    const auto variance = s.pow(2);
    const auto ratio = variance / variance.sum();
    const auto coefficients = x.mm(vh.slice(0, 0, k).t()); // [N, k]
    // z ~ coefficients * B, B [k, latent]: row i is the latent direction of component i.
    const auto b = std::get<0>(
        torch::linalg_lstsq(coefficients, z.to(torch::kFloat64), c10::nullopt, c10::nullopt));
    const auto directions = b / b.norm(2, {1}, true).clamp_min(1e-12);
    report(progress, 1.0f, "done");

    DirectionSet set;
    set.name = "pca";
    set.method = "pca";
    set.params = {{"k", std::to_string(k)},
                  {"samples", std::to_string(samples)},
                  {"seed", std::to_string(seed)},
                  {"features", "generator output"}};
    set.latentSize = latent;
    for (int i = 0; i < k; ++i) {
        set.labels.push_back("pca " + std::to_string(i));
        set.scores.push_back(ratio[i].item<double>());
    }
    set.vectors = rowsOf(directions);
    return set;
}

DirectionSet randomDirections(int latentSize, int k, std::uint64_t seed)
{
    checkK(k, latentSize);
    auto gen = at::detail::createCPUGenerator(seed);
    const auto g = torch::randn({latentSize, k}, gen, torch::kFloat64);
    const auto q = std::get<0>(torch::linalg_qr(g, "reduced")); // [latent, k], orthonormal columns
    DirectionSet set;
    set.name = "random";
    set.method = "random";
    set.params = {{"k", std::to_string(k)}, {"seed", std::to_string(seed)}};
    set.latentSize = latentSize;
    for (int i = 0; i < k; ++i) {
        set.labels.push_back("random " + std::to_string(i));
        set.scores.push_back(0.0);
    }
    set.vectors = rowsOf(q.t());
    return set;
}

std::string toString(SteerTransform t)
{
    switch (t) {
    case SteerTransform::Zoom:
        return "zoom";
    case SteerTransform::ShiftX:
        return "shift_x";
    case SteerTransform::ShiftY:
        return "shift_y";
    case SteerTransform::Rotation:
        return "rotation";
    case SteerTransform::Brightness:
        return "brightness";
    case SteerTransform::Contrast:
        return "contrast";
    }
    return "";
}

SteerTransform steerTransformFromString(const std::string &name)
{
    for (auto t : {SteerTransform::Zoom, SteerTransform::ShiftX, SteerTransform::ShiftY,
                   SteerTransform::Rotation, SteerTransform::Brightness, SteerTransform::Contrast})
        if (toString(t) == name) return t;
    throw Error("unknown steering transform '" + name +
                "'; expected zoom, shift_x, shift_y, rotation, brightness or contrast");
}

std::pair<float, float> alphaRange(SteerTransform t)
{
    switch (t) {
    case SteerTransform::Zoom:
        return {std::log(0.25f), std::log(4.0f)};
    case SteerTransform::ShiftX:
    case SteerTransform::ShiftY:
    case SteerTransform::Rotation:
        return {-1.0f, 1.0f};
    case SteerTransform::Brightness:
    case SteerTransform::Contrast:
        return {-0.5f, 0.5f};
    }
    return {0.0f, 0.0f};
}

at::Tensor applyEdit(const at::Tensor &images, SteerTransform t, const at::Tensor &alpha,
                     at::Tensor *mask)
{
    const int64_t n = images.size(0);
    const auto a = alpha.to(images.dtype()).view({n});
    if (t == SteerTransform::Brightness || t == SteerTransform::Contrast) {
        if (mask) *mask = torch::ones({n, 1, images.size(2), images.size(3)}, images.options());
        const auto a4 = a.view({n, 1, 1, 1});
        if (t == SteerTransform::Brightness) return (images + a4).clamp(-1, 1);
        const auto mean = images.mean({1, 2, 3}, true);
        return ((images - mean) * a4.exp() + mean).clamp(-1, 1);
    }
    // Geometric edits: output pixel x samples the input at theta * x
    // (normalised coordinates in [-1, 1]).
    auto theta = torch::zeros({n, 2, 3}, images.options());
    const auto zero = torch::zeros_like(a);
    if (t == SteerTransform::Zoom) {
        const auto inv = (-a).exp(); // scale s = exp(alpha): sample at x / s
        theta.select(1, 0).select(1, 0).copy_(inv);
        theta.select(1, 1).select(1, 1).copy_(inv);
    } else if (t == SteerTransform::Rotation) {
        const auto angle = a * (M_PI / 4);
        theta.select(1, 0).select(1, 0).copy_(angle.cos());
        theta.select(1, 0).select(1, 1).copy_(-angle.sin());
        theta.select(1, 1).select(1, 0).copy_(angle.sin());
        theta.select(1, 1).select(1, 1).copy_(angle.cos());
    } else {
        theta.select(1, 0).select(1, 0).fill_(1);
        theta.select(1, 1).select(1, 1).fill_(1);
        // A shift of alpha quarter-widths: half a normalised unit per alpha.
        theta.select(1, t == SteerTransform::ShiftX ? 0 : 1).select(1, 2).copy_(-a * 0.5);
    }
    const auto grid = at::affine_grid_generator(theta, images.sizes(), /*align_corners=*/false);
    if (mask) {
        const auto ones = torch::ones({n, 1, images.size(2), images.size(3)}, images.options());
        *mask = (at::grid_sampler(ones, grid, 0, 0, false) > 0.999).to(images.dtype());
    }
    return at::grid_sampler(images, grid, /*bilinear*/ 0, /*zeros*/ 0, /*align_corners=*/false);
}

namespace {
// The sampler a diffusion walk is learned through (SteerOptions::samplerSteps).
SamplerSettings walkSampler(const Generator &generator, const SteerOptions &options)
{
    SamplerSettings s = generator.samplerSettings();
    const int timesteps = generator.info().diffusion.timesteps;
    if (options.samplerSteps > timesteps)
        throw Error("steering: walk sampler steps " + std::to_string(options.samplerSteps) +
                    " is above the model's " + std::to_string(timesteps) +
                    " training timesteps; choose 1 to " + std::to_string(timesteps));
    if (options.samplerSteps > 0) s.steps = options.samplerSteps;
    return s;
}
} // namespace

WalkMemory estimateWalkMemory(const Generator &generator, const SteerOptions &options)
{
    const auto &info = generator.info();
    SamplerSettings oneStep;
    if (info.isDiffusion()) {
        oneStep = generator.samplerSettings();
        oneStep.steps = 1;
    }
    auto gen = at::detail::createCPUGenerator(options.seed); // not the global one (trainer.cpp)
    const auto z = torch::randn({1, info.latentSize}, gen).requires_grad_(true);
    const auto y = torch::full({1}, info.numClasses > 0 ? 0 : -1, torch::kInt64);
    // Three times, keeping the smallest: a TorchScript module's first calls
    // also allocate its optimised graph, and the heap is the process's (what
    // another thread allocates meanwhile is counted too).
    std::size_t perImageCall = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const std::size_t before = heapBytesInUse();
        const auto image = generator.generate(z, y, info.isDiffusion() ? &oneStep : nullptr);
        const std::size_t after = heapBytesInUse(); // the graph behind `image` still alive
        const std::size_t kept = after > before ? after - before : 0;
        perImageCall = attempt == 0 ? kept : std::min(perImageCall, kept);
    }
    WalkMemory memory;
    memory.perImageCall = perImageCall;
    memory.batch = options.batch;
    memory.calls = info.isDiffusion() ? walkSampler(generator, options).steps : 1;
    return memory;
}

namespace {
// "27.4 GiB": bytes in units of 2^shift bytes, one decimal.
std::string sizeText(double bytes, int shift, const char *unit)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", bytes / double(1ull << shift), unit);
    return text;
}

// Refuses, naming the estimate's parts and what to lower, a walk whose
// backward pass would not fit: the system would otherwise kill the process
// (the studio with it) some minutes in.
void checkWalkFits(const Generator &generator, const SteerOptions &options)
{
    const std::size_t limit = options.memoryLimit ? options.memoryLimit : availableMemoryBytes();
    // Unknown here, or on a GPU: the host's heap says nothing of its memory.
    if (limit == 0 || generator.deviceName() != "CPU") return;
    const WalkMemory memory = estimateWalkMemory(generator, options);
    if (memory.total() <= limit) return;
    const std::string perImage = sizeText(double(memory.perImageCall), 20, "MiB");
    const bool diffusion = generator.info().isDiffusion();
    throw Error("steering: one step would keep about " +
                sizeText(double(memory.total()), 30, "GiB") + " for its backward pass (batch " +
                std::to_string(memory.batch) +
                (diffusion ? " x " + std::to_string(memory.calls) + " sampler steps x " + perImage +
                                 " per image and step"
                           : " x " + perImage + " per image") +
                ", measured) and " + sizeText(double(limit), 30, "GiB") +
                (options.memoryLimit ? " is the limit" : " is available") + "; lower " +
                (diffusion ? "the walk's sampler steps (the Explore tab's \"Walk sampler "
                             "steps\", or --walk-sampler-steps) or "
                           : "") +
                "the batch (latent-cli directions --batch)");
}
} // namespace

DirectionSet learnSteeringWalks(const Generator &generator, const SteerOptions &options,
                                const Progress &progress)
{
    if (options.transforms.empty()) throw Error("steering: no transform chosen");
    if (options.steps < 1 || options.batch < 1)
        throw Error("steering: steps and batch must be at least 1");
    checkWalkFits(generator, options);
    const int latent = generator.info().latentSize;
    const int classes = generator.info().numClasses;
    DirectionSet set;
    set.name = "walks";
    set.method = "steer";
    set.params = {{"steps", std::to_string(options.steps)},
                  {"batch", std::to_string(options.batch)},
                  {"lr", std::to_string(options.learningRate)},
                  {"seed", std::to_string(options.seed)}};
    const SamplerSettings sampler = walkSampler(generator, options);
    const SamplerSettings *through = generator.info().isDiffusion() ? &sampler : nullptr;
    if (through) set.params["sampler_steps"] = std::to_string(sampler.steps);
    set.latentSize = latent;
    auto gen = at::detail::createCPUGenerator(options.seed);
    const int total = options.steps * static_cast<int>(options.transforms.size());
    int done = 0;
    for (const SteerTransform t : options.transforms) {
        const auto [lo, hi] = alphaRange(t);
        auto w = (torch::randn({latent}, gen) * 0.1).requires_grad_(true);
        torch::optim::Adam adam({w}, torch::optim::AdamOptions(options.learningRate));
        double tail = 0.0;
        int tailCount = 0;
        for (int step = 0; step < options.steps; ++step) {
            // The latents the generator is sampled at (a diffusion model's
            // x_T untruncated).
            const auto z =
                truncatedNormal(options.batch, latent, generator.info().defaultTruncation(),
                                options.seed * 1000003 + done);
            const auto y = classes > 0
                               ? torch::randint(classes, {options.batch}, gen, torch::kInt64)
                               : torch::full({options.batch}, -1, torch::kInt64);
            const auto alpha = torch::rand({options.batch}, gen) * (hi - lo) + lo;
            at::Tensor target, mask;
            {
                torch::NoGradGuard noGrad;
                target = applyEdit(normalised(generator, generator.generate(z, y, through)), t,
                                   alpha, &mask);
            }
            const auto moved =
                normalised(generator, generator.generate(z + alpha.unsqueeze(1) * w, y, through));
            const auto loss = ((moved - target).pow(2) * mask).sum() /
                              (mask.sum() * moved.size(1)).clamp_min(1.0);
            adam.zero_grad();
            loss.backward();
            adam.step();
            const double value = loss.item<double>();
            if (step >= options.steps - std::max(1, options.steps / 10)) tail += value, ++tailCount;
            ++done;
            report(progress, float(done) / total,
                   toString(t) + " step " + std::to_string(step + 1) + "/" +
                       std::to_string(options.steps) + ", loss " + std::to_string(value));
        }
        set.labels.push_back(toString(t));
        set.scores.push_back(tail / std::max(1, tailCount));
        set.vectors.push_back(rowsOf(w.detach().unsqueeze(0))[0]);
    }
    return set;
}

ImageBatch directionStrips(const Generator &generator, const DirectionSet &set, int steps,
                           float range, std::uint64_t seed, int classIndex,
                           const StripRows &rowsDone)
{
    c10::InferenceMode guard;
    if (set.latentSize != generator.info().latentSize)
        throw Error("direction set \"" + set.name + "\" has latent size " +
                    std::to_string(set.latentSize) + " but the generator's is " +
                    std::to_string(generator.info().latentSize));
    // Untruncated x_T for a diffusion model (truncation greys its images).
    const SampleRequest request{1, seed, generator.info().defaultTruncation(), classIndex};
    const auto z = generator.sampleLatents(request);
    const auto y = generator.sampleClasses(request);
    const auto ys = y.expand({steps}).contiguous(); // [S]
    std::vector<at::Tensor> rows;                   // [S, C, H, W] each
    for (int i = 0; i < set.size(); ++i) {
        float lo = -range, hi = range;
        if (set.method == "steer")
            std::tie(lo, hi) = alphaRange(steerTransformFromString(set.labels[i]));
        const auto alphas = torch::linspace(lo, hi, steps).unsqueeze(1); // [S, 1]
        const auto w = torch::tensor(set.vectors[i]).unsqueeze(0);       // [1, latent]
        rows.push_back(generator.generate(z + alphas * w, ys));
        if (rowsDone &&
            !rowsDone(generator.toImages(torch::cat(rows), ys.repeat(int64_t(rows.size())))))
            break;
    }
    const auto images = torch::cat(rows);
    return generator.toImages(images, ys.repeat(int64_t(rows.size())));
}

std::vector<float> moveAlong(const std::vector<float> &z, const std::vector<float> &direction,
                             float alpha)
{
    std::vector<float> out(z);
    for (std::size_t i = 0; i < out.size() && i < direction.size(); ++i)
        out[i] += alpha * direction[i];
    return out;
}

} // namespace latent
