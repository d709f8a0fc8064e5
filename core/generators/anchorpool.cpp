// SPDX-License-Identifier: MIT
#include "generators/anchorpool.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <vector>

namespace latent {

AnchorPool::AnchorPool(const Generator &generator, const ViewRecipe &recipe, std::uint64_t runSeed)
    : m_generator(generator), m_recipe(recipe), m_seed(streamSeed(runSeed, "anchor.pool"))
{
}

double AnchorPool::bytesFor(const GeneratorInfo &info, std::int64_t size)
{
    const double image = double(info.channels) * info.resolution * info.resolution;
    // The window's latents too: blocks of kBlock over [start, start + size),
    // one more where the window straddles them (a diffusion model's x_T is an
    // image's size).
    const double latents = double((size + kBlock - 1) / kBlock + 1) * kBlock * info.latentSize;
    return (double(size) * image + latents) * sizeof(float);
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
    std::vector<std::int64_t> missing; // anchor indices without an image, once each
    for (std::int64_t i = 0; i < k; ++i) {
        const Anchors b = block(idx[i] / kBlock);
        z[i] = b.z[idx[i] % kBlock];
        y[i] = b.y[idx[i] % kBlock];
        if (!m_images.count(idx[i])) missing.push_back(idx[i]);
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    if (!missing.empty()) {
        std::vector<torch::Tensor> mz, my;
        for (std::int64_t j : missing) {
            const Anchors b = block(j / kBlock);
            mz.push_back(b.z[j % kBlock]);
            my.push_back(b.y[j % kBlock]);
        }
        // One batch for all new anchors; a sample never depends on its batch.
        const auto images = m_generator.generateOnDevice(torch::stack(mz), torch::stack(my),
                                                         recipeSampler(m_generator, m_recipe));
        for (std::size_t i = 0; i < missing.size(); ++i)
            m_images.emplace(missing[i], images[std::int64_t(i)].clone()); // own storage
        m_rendered += std::int64_t(missing.size());
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
