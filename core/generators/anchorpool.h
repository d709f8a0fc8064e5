// SPDX-License-Identifier: MIT
#pragma once
// Anchors as values, and a pool of them reused across training steps for
// slow samplers. Internal to core (torch).

#include "generators/generator.h"
#include "generators/sampling.h"
#include "views/viewrecipe.h"
#include "views/views.h"

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace latent {

// A batch's anchors: latents [K, latent], classes [K] int64 and, when they
// come from a pool, their images [K, C, R, R] in the generator's output range
// on its device (undefined otherwise).
struct Anchors
{
    at::Tensor z, y, images;
};

// The anchors of rows [first, first + k) of a batch of `total` from the
// recipe's anchor settings, each random quantity from its own stream of
// `seed` (sampling.h); no images.
Anchors sampleAnchors(const Generator &generator, const ViewRecipe &recipe, std::int64_t first,
                      std::int64_t k, std::int64_t total, std::uint64_t seed);

// The views of given anchors (generateViews after its anchors are drawn):
// `slice` places them in the batch for the random streams. Anchors with
// images, and recipes without latent views, render each anchor once.
at::Tensor viewsOfAnchors(const Generator &generator, const ViewRecipe &recipe, const Anchors &a,
                          int views, std::uint64_t seed, ViewMode mode, const SampleSlice &slice,
                          at::Tensor *anchorImages = nullptr, at::Tensor *viewLatents = nullptr);

// The recipe's diffusion sampler settings (checked), or null for the
// generator's own.
const SamplerSettings *recipeSampler(const Generator &generator, const ViewRecipe &recipe);

// The recipe's anchor pool (ViewRecipe::Anchors::poolSize > 0). Anchor j of
// a run is row j % kBlock of sampleAnchors(block seed of j / kBlock), a pure
// function of (run seed, j); step s draws its K anchors uniformly, with
// replacement, from the window [s * refresh, s * refresh + size), from the
// stream "anchor.pool" of the step seed (the whole batch's draws, sliced for
// a rank). An anchor's image is rendered the first time it is drawn, with
// the other anchors of its aligned chunk of kRenderChunk in one batch (so its
// bits never depend on what else a step drew), and kept while it is in the
// window: a replay simply renders what its steps draw, to the same bits.
// With a cache folder, each rendered chunk is also written there
// (chunk-N.pt, float32 [chunk, C, R, R], in a subfolder named by what the
// images depend on) and read back instead of rendered again: a resumed run
// does not pay for its window twice. Chunks that left the window are
// deleted. Recipes with latent views render no anchor images (their views
// are generated from latents; Anchors::images stays undefined). Thread-safe.
class AnchorPool
{
public:
    static constexpr std::int64_t kBlock = 256;
    // Anchors rendered together: a power of two dividing kBlock, at most the pool's size.
    static constexpr std::int64_t kRenderChunk = 16;

    AnchorPool(const Generator &generator, const ViewRecipe &recipe, std::uint64_t runSeed,
               const std::string &cacheFolder = {});

    // Rows [share.first, share.first + k) of step `step`'s batch (stepSeed
    // `seed`), with their images unless the recipe's views are latent.
    Anchors draw(int step, std::uint64_t seed, const SampleSlice &share, std::int64_t k);

    // Images rendered so far, and read back from the cache (a measure of
    // what the pool saves).
    std::int64_t imagesRendered() const;
    std::int64_t imagesReadFromCache() const;
    // The folder this pool's chunks go to (empty without a cache).
    std::string cacheFolder() const;
    // Bytes the recipe's pool holds: the latents its window keeps, and its
    // images of the generator's shape unless the views are latent (float32).
    static double bytesFor(const GeneratorInfo &info, const ViewRecipe &recipe);

private:
    Anchors block(std::int64_t b); // latents and classes of anchors [b * kBlock, (b + 1) * kBlock)
    torch::Tensor renderChunk(std::int64_t c); // [m_chunk, C, R, R] on the generator's device
    std::string chunkFile(std::int64_t c) const;

    const Generator &m_generator;
    const ViewRecipe &m_recipe;
    std::uint64_t m_seed;
    std::int64_t m_chunk = 1; // anchors rendered in one batch (kRenderChunk or fewer)
    bool m_render = true;     // whether steps use the anchors' own images
    std::string m_cache;      // chunk files' folder, or empty
    mutable std::mutex m_mutex;
    std::map<std::int64_t, Anchors> m_blocks;       // block index -> latents, classes
    std::map<std::int64_t, torch::Tensor> m_images; // anchor index -> [C, R, R]
    std::set<std::int64_t> m_cachedChunks;          // chunk files in m_cache
    std::int64_t m_rendered = 0, m_fromCache = 0;
};

} // namespace latent
