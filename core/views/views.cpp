// SPDX-License-Identifier: MIT
#include "views/views.h"

#include "error.h"
#include "generators/anchorpool.h"
#include "generators/sampling.h"
#include "views/augment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>

namespace latent {
namespace {

at::Tensor toUnit(const Generator &g, const at::Tensor &x) // output range -> [0, 1]
{
    const float lo = g.info().outputMin, hi = g.info().outputMax;
    return ((x - lo) / (hi - lo)).clamp(0, 1);
}

} // namespace

// The recipe's diffusion sampler settings (checked), or null for the generator's own.
const SamplerSettings *recipeSampler(const Generator &generator, const ViewRecipe &recipe)
{
    if (!recipe.hasSampler) return nullptr;
    try {
        generator.checkSamplerSettings(recipe.sampler);
    } catch (const Error &e) {
        throw Error("recipe " + recipe.name + ": generator.sampler: " + e.what());
    }
    return &recipe.sampler;
}

Anchors sampleAnchors(const Generator &g, const ViewRecipe &r, int64_t first, int64_t k,
                      int64_t total, std::uint64_t seed)
{
    const int n = static_cast<int>(total);
    const SampleRequest latents{n, streamSeed(seed, "anchor.latent"), r.anchors.truncation,
                                SampleRequest::kUniformClasses};
    SampleRequest classes = latents;
    classes.seed = streamSeed(seed, "anchor.class");
    Anchors a{g.sampleLatents(latents), g.sampleClasses(classes), at::Tensor()};
    if (!r.anchors.classes.empty() && g.info().isConditional()) {
        // Uniform over the recipe's class list.
        auto gen = at::detail::createCPUGenerator(classes.seed);
        const auto pick = torch::randint(static_cast<int64_t>(r.anchors.classes.size()), {total},
                                         gen, torch::kInt64);
        const auto list =
            torch::tensor(std::vector<int64_t>(r.anchors.classes.begin(), r.anchors.classes.end()));
        a.y = list.index_select(0, pick);
    }
    a.z = a.z.slice(0, first, first + k);
    a.y = a.y.slice(0, first, first + k);
    return a;
}

void checkRecipeFits(const ViewRecipe &recipe, const Generator &generator, const std::string &what)
{
    const GeneratorInfo &info = generator.info();
    recipe.checkAgainst(info.latentSize, info.numClasses, what);
    if (!info.isDiffusion() && (recipe.hasSampler || recipe.views.renoise > 0))
        throw Error(what +
                    ": generator.sampler and views.renoise apply to diffusion generators, and " +
                    info.name + " is a GAN; remove them");
    if (recipe.hasSampler) {
        try {
            generator.checkSamplerSettings(recipe.sampler);
        } catch (const Error &e) {
            throw Error(what + ": generator.sampler: " + e.what());
        }
    }
}

at::Tensor anchorImages(const Generator &generator, const ViewRecipe &recipe, int anchors,
                        std::uint64_t seed)
{
    c10::InferenceMode guard;
    const Anchors a = sampleAnchors(generator, recipe, 0, anchors, anchors, seed);
    return toUnit(generator, generator.generate(a.z, a.y, recipeSampler(generator, recipe)));
}

at::Tensor generateViews(const Generator &generator, const ViewRecipe &recipe, int anchors,
                         int views, std::uint64_t seed, ViewMode mode, at::Tensor *classes,
                         at::Tensor *anchorImagesOut, const SampleSlice &slice,
                         at::Tensor *viewLatents)
{
    const GeneratorInfo &info = generator.info();
    recipe.checkAgainst(info.latentSize, info.numClasses, "recipe " + recipe.name);
    if (anchors < 1 || views < 1)
        throw Error("views: need at least one anchor and one view, got " + std::to_string(anchors) +
                    " and " + std::to_string(views));
    const int64_t total = slice.whole() ? anchors : slice.total;
    if (slice.first < 0 || slice.first + anchors > total)
        throw Error("views: anchors " + std::to_string(slice.first) + ".." +
                    std::to_string(slice.first + anchors) + " are outside a batch of " +
                    std::to_string(total));
    c10::InferenceMode guard;
    const Anchors a = sampleAnchors(generator, recipe, slice.first, anchors, total, seed);
    if (classes) *classes = a.y;
    return viewsOfAnchors(generator, recipe, a, views, seed, mode, slice, anchorImagesOut,
                          viewLatents);
}

bool makesLatentViews(const ViewRecipe &recipe, ViewMode mode)
{
    return mode != ViewMode::PixelOnly &&
           ((recipe.views.gaussian && recipe.views.sigma > 0) || !recipe.views.steered.empty());
}

at::Tensor viewsOfAnchors(const Generator &generator, const ViewRecipe &recipe, const Anchors &a,
                          int views, std::uint64_t seed, ViewMode mode, const SampleSlice &slice,
                          at::Tensor *anchorImagesOut, at::Tensor *viewLatents)
{
    c10::InferenceMode guard;
    const GeneratorInfo &info = generator.info();
    const int64_t anchors = a.z.size(0);
    const int64_t total = slice.whole() ? anchors : slice.total;
    // Every view starts from its anchor: [K*V, latent], row k*V + v; the
    // random draws are made for the whole batch's T*V rows and sliced.
    const int64_t first = slice.first * views, n = anchors * views, all = total * views;
    auto z = a.z.repeat_interleave(views, 0);
    const auto y = a.y.repeat_interleave(views, 0);
    const bool latentViews = makesLatentViews(recipe, mode);
    if (latentViews) {
        if (recipe.views.gaussian && recipe.views.sigma > 0) {
            const float sigma = recipe.views.sigma;
            if (recipe.views.preserveVariance) {
                // The noise has the anchors' distribution, so the mix keeps it.
                const auto noise = truncatedNormal(all, info.latentSize, recipe.anchors.truncation,
                                                   streamSeed(seed, "view.gaussian"));
                z = std::sqrt(1 - sigma * sigma) * z + sigma * noise.slice(0, first, first + n);
            } else {
                const float t = recipe.anchors.truncation > 0 ? recipe.anchors.truncation : 2.0f;
                const auto noise =
                    truncatedNormal(all, info.latentSize, t, streamSeed(seed, "view.gaussian"));
                z = z + sigma * noise.slice(0, first, first + n);
            }
        }
        for (std::size_t i = 0; i < recipe.views.steered.size(); ++i) {
            const auto &walk = recipe.views.steered[i];
            auto gen = at::detail::createCPUGenerator(
                streamSeed(seed, ("view.walk." + std::to_string(i)).c_str()));
            const DirectionSet *set = recipe.findSet(walk.set);
            const auto &v = set->vectors[set->indexOf(walk.direction)];
            const auto w = torch::tensor(v); // [latent]
            at::Tensor alpha;
            const float mid = 0.5f * (walk.alphaMin + walk.alphaMax);
            const float half = 0.5f * (walk.alphaMax - walk.alphaMin);
            if (walk.normal)
                alpha = (torch::randn({all}, gen) * (half / 2) + mid)
                            .clamp(walk.alphaMin, walk.alphaMax);
            else
                alpha = torch::rand({all}, gen) * (2 * half) + walk.alphaMin;
            alpha = alpha.slice(0, first, first + n);
            z = z + alpha.unsqueeze(1) * w.unsqueeze(0);
        }
    }
    if (viewLatents) *viewLatents = z.view({anchors, views, -1});
    const SamplerSettings *sampler = recipeSampler(generator, recipe);
    at::Tensor images; // [K*V, C, R, R] in the generator's output range
    if (!latentViews) {
        // Every view of an anchor is its anchor's image: made once (or taken
        // from the pool), not V times, which matters for a slow sampler.
        const auto base =
            a.images.defined() ? a.images : generator.generateOnDevice(a.z, a.y, sampler);
        if (anchorImagesOut) *anchorImagesOut = toUnit(generator, base);
        images = base.repeat_interleave(views, 0);
    } else if (anchorImagesOut && !a.images.defined()) {
        // The anchors ride in the same forward pass: [K + K*V, ...].
        images = generator.generateOnDevice(torch::cat({a.z, z}), torch::cat({a.y, y}), sampler);
        *anchorImagesOut = toUnit(generator, images.slice(0, 0, anchors));
        images = images.slice(0, anchors);
    } else {
        if (anchorImagesOut) *anchorImagesOut = toUnit(generator, a.images);
        images = generator.generateOnDevice(z, y, sampler);
    }
    if (mode != ViewMode::PixelOnly && recipe.views.renoise > 0) {
        // Each view's own noise, drawn for the whole batch's T*V rows and sliced.
        auto gen = at::detail::createCPUGenerator(streamSeed(seed, "view.renoise"));
        const auto noise = torch::randn({all, info.channels, info.resolution, info.resolution}, gen,
                                        torch::kFloat32)
                               .slice(0, first, first + n);
        images = generator.renoiseOnDevice(images, y, noise, recipe.views.renoise, sampler);
    }
    images = toUnit(generator, images);
    if (mode != ViewMode::LatentOnly)
        images = augmentPixels(images, recipe.pixel, streamSeed(seed, "view.pixel"),
                               SampleSlice{first, all});
    return images.view({anchors, views, images.size(1), images.size(2), images.size(3)});
}

ViewDiagnostics diagnose(const at::Tensor &views)
{
    return diagnose(views, at::Tensor());
}

ViewDiagnostics diagnose(const at::Tensor &views, const at::Tensor &classes)
{
    c10::InferenceMode guard;
    const int64_t k = views.size(0), v = views.size(1);
    ViewDiagnostics d;
    if (k < 2 || v < 2) return d;
    const auto flat = views.flatten(2); // [K, V, D]

    // A fixed random encoder (same weights every call): two strided convs,
    // ReLU, global average pooling, then features centred over the batch.
    auto gen = at::detail::createCPUGenerator(1234);
    const int64_t c = views.size(2);
    // Drawn on the CPU (the same weights on every machine), used where the
    // views are (a GPU generator's views are on the GPU).
    const auto w1 =
        (torch::randn({32, c, 3, 3}, gen) * std::sqrt(2.0 / (c * 9))).to(views.device());
    const auto w2 =
        (torch::randn({64, 32, 3, 3}, gen) * std::sqrt(2.0 / (32 * 9))).to(views.device());
    const std::vector<int64_t> stride{2, 2}, pad{1, 1};
    auto x = views.flatten(0, 1) * 2 - 1; // [K*V, C, H, W]
    x = torch::relu(at::conv2d(x, w1, at::Tensor(), stride, pad));
    x = torch::relu(at::conv2d(x, w2, at::Tensor(), stride, pad));
    auto f = x.mean({2, 3});
    f = f - f.mean(0, true);
    f = torch::nn::functional::normalize(f, torch::nn::functional::NormalizeFuncOptions().dim(1));
    f = f.view({k, v, -1});

    // Positives: every pair of views of one anchor.
    auto rms = [](const at::Tensor &a, const at::Tensor &b) {
        return (a - b).pow(2).mean(-1).sqrt().mean().item<double>();
    };
    double pos = 0, cpos = 0;
    int pairs = 0;
    for (int64_t i = 0; i < v; ++i)
        for (int64_t j = i + 1; j < v; ++j, ++pairs) {
            pos += rms(flat.select(1, i), flat.select(1, j));
            cpos += (f.select(1, i) * f.select(1, j)).sum(-1).mean().item<double>();
        }
    d.pixelDistancePositives = pos / pairs;
    d.cosinePositives = cpos / pairs;
    if (!classes.defined()) {
        // Negatives: view 0 of anchor i against view 1 of anchor i - 1.
        d.pixelDistanceNegatives = rms(flat.select(1, 0), flat.select(1, 1).roll(1, 0));
        d.cosineNegatives =
            (f.select(1, 0) * f.select(1, 1).roll(1, 0)).sum(-1).mean().item<double>();
        return d;
    }
    // View 0 of anchor i against view 1 of anchor j != i, every pair [K, K]:
    // of one class, class positives; else negatives.
    const auto pixels =
        torch::cdist(flat.select(1, 0).to(torch::kFloat64), flat.select(1, 1).to(torch::kFloat64)) /
        std::sqrt(double(flat.size(2)));
    const auto cosine = torch::matmul(f.select(1, 0), f.select(1, 1).t()).to(torch::kFloat64);
    const auto y = classes.to(views.device());
    const auto other =
        ~torch::eye(k, torch::TensorOptions().dtype(torch::kBool).device(y.device()));
    const auto same = y.unsqueeze(1).eq(y.unsqueeze(0)) & other;
    const auto differ = y.unsqueeze(1).ne(y.unsqueeze(0));
    const auto meanOver = [](const at::Tensor &m, const at::Tensor &mask) {
        return mask.any().item<bool>() ? m.masked_select(mask).mean().item<double>()
                                       : std::numeric_limits<double>::quiet_NaN();
    };
    d.pixelDistanceClassPositives = meanOver(pixels, same);
    d.cosineClassPositives = meanOver(cosine, same);
    d.pixelDistanceNegatives = meanOver(pixels, differ);
    d.cosineNegatives = meanOver(cosine, differ);
    return d;
}

ViewPreview renderViewPreview(const Generator &generator, const ViewRecipe &recipe, int anchors,
                              int views, std::uint64_t seed, ViewMode mode)
{
    c10::InferenceMode guard;
    const auto start = std::chrono::steady_clock::now();
    ViewPreview preview;
    at::Tensor classes, a, v;
    preview.classPairs =
        recipe.views.classPositives && generator.info().isConditional() && anchors >= 2;
    if (preview.classPairs) {
        // Rows 2i and 2i + 1 take row 2i's class: each anchor has a
        // same-class positive beside it.
        if (views < 1) throw Error("views: need at least one view, got " + std::to_string(views));
        Anchors drawn = sampleAnchors(generator, recipe, 0, anchors, anchors, seed);
        const auto even = torch::arange(anchors, drawn.y.options()).div(2, "floor") * 2;
        drawn.y = drawn.y.index_select(0, even);
        classes = drawn.y;
        v = viewsOfAnchors(generator, recipe, drawn, views, seed, mode, {}, &a);
    } else {
        v = generateViews(generator, recipe, anchors, views, seed, mode, &classes, &a);
    }
    const auto grid = torch::cat({a.unsqueeze(1), v}, 1).flatten(0, 1); // [K*(1+V), C, H, W]
    // toImages maps the output range to bytes: hand it [0, 1] as that range.
    const auto asOutput = grid * (generator.info().outputMax - generator.info().outputMin) +
                          generator.info().outputMin;
    preview.images = generator.toImages(asOutput, classes.repeat_interleave(views + 1, 0));
    preview.columns = views + 1;
    preview.diagnostics = preview.classPairs ? diagnose(v, classes) : diagnose(v);
    preview.sampled = anchors * (makesLatentViews(recipe, mode) ? 1 + views : 1);
    preview.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return preview;
}

} // namespace latent
