// SPDX-License-Identifier: MIT
#include "generators/anchorpool.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <vector>

namespace latent {

AnchorPool::AnchorPool(const Generator &generator, const ViewRecipe &recipe, std::uint64_t runSeed)
    : m_generator(generator), m_recipe(recipe), m_seed(streamSeed(runSeed, "anchor.pool"))
{
    // A power of two (so chunks align with blocks), no more than a small pool holds.
    while (m_chunk * 2 <= std::min<std::int64_t>(kRenderChunk, recipe.anchors.poolSize))
        m_chunk *= 2;
}

double AnchorPool::bytesFor(const GeneratorInfo &info, std::int64_t size)
{
    const double image = double(info.channels) * info.resolution * info.resolution;
    // The window's latents too: blocks of kBlock over [start, start + size),
    // one more where the window straddles them (a diffusion model's x_T is an
    // image's size).
    const double latents = double((size + kBlock - 1) / kBlock + 1) * kBlock * info.latentSize;
    // A render chunk may run past the window's end: those images are kept for later.
    return (double(size + kRenderChunk) * image + latents) * sizeof(float);
}

Anchors AnchorPool::block(std::int64_t b)
{
    auto it = m_blocks.find(b);
    if (it == m_blocks.end())
        it = m_blocks
                 .emplace(b, sampleAnchors(m_generator, m_recipe, 0, kBlock, kBlock,
                                           stepSeed(m_seed, b)))
                 .first;
    return it->second;
}

Anchors AnchorPool::draw(int step, std::uint64_t seed, const SampleSlice &share, std::int64_t k)
{
    c10::InferenceMode guard;
    const std::int64_t size = m_recipe.anchors.poolSize;
    const std::int64_t start = std::int64_t(step) * m_recipe.anchors.poolRefresh;
    const std::int64_t total = share.whole() ? k : share.total;
    auto gen = at::detail::createCPUGenerator(streamSeed(seed, "anchor.pool"));
    const auto index = (torch::randint(size, {total}, gen, torch::kInt64) + start)
                           .slice(0, share.first, share.first + k)
                           .contiguous(); // [k] anchor indices, on the CPU on purpose:
                                          // they key the host-side cache below
    const auto *idx = index.data_ptr<std::int64_t>();

    std::lock_guard lock(m_mutex);
    // Anchors that left the window are dropped: steps only move forward.
    m_images.erase(m_images.begin(), m_images.lower_bound(start));
    m_blocks.erase(m_blocks.begin(), m_blocks.lower_bound(start / kBlock));

    std::vector<torch::Tensor> z(k), y(k);
    std::vector<std::int64_t> chunks; // render chunks holding a drawn anchor without an image
    for (std::int64_t i = 0; i < k; ++i) {
        const Anchors b = block(idx[i] / kBlock);
        z[i] = b.z[idx[i] % kBlock];
        y[i] = b.y[idx[i] % kBlock];
        if (!m_images.count(idx[i])) chunks.push_back(idx[i] / m_chunk);
    }
    std::sort(chunks.begin(), chunks.end());
    chunks.erase(std::unique(chunks.begin(), chunks.end()), chunks.end());
    // Each chunk in a batch of its own: a sampler's output differs in its last
    // bits between batch sizes, so an anchor rendered with whichever others a
    // step drew made replays and resumes (fresh pools) differ from the run.
    for (std::int64_t c : chunks) {
        const Anchors b = block(c * m_chunk / kBlock);
        const std::int64_t row = c * m_chunk % kBlock; // [m_chunk] rows of the block
        const auto images = m_generator.generateOnDevice(b.z.slice(0, row, row + m_chunk),
                                                         b.y.slice(0, row, row + m_chunk),
                                                         recipeSampler(m_generator, m_recipe));
        for (std::int64_t i = 0; i < m_chunk; ++i)
            if (c * m_chunk + i >= start)
                m_images.emplace(c * m_chunk + i, images[i].clone()); // own storage
        m_rendered += m_chunk;
    }
    std::vector<torch::Tensor> images(k);
    for (std::int64_t i = 0; i < k; ++i)
        images[i] = m_images.at(idx[i]);
    return Anchors{torch::stack(z), torch::stack(y), torch::stack(images)};
}

std::int64_t AnchorPool::imagesRendered() const
{
    std::lock_guard lock(m_mutex);
    return m_rendered;
}

} // namespace latent
