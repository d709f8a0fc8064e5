// SPDX-License-Identifier: MIT
#include "generators/anchorpool.h"

#include "atomicfile.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

namespace latent {

namespace {

// What a pool's images depend on besides the anchor index, as text whose
// hash names its cache folder: another sampler, generator (the files as
// they are now: one exported again to the same path, or its sidecar edited,
// is another), truncation, chunking or device gives other bits, so it gets
// a folder of its own.
std::string imageIdentity(const Generator &generator, const ViewRecipe &recipe, std::uint64_t seed,
                          std::int64_t chunk)
{
    const SamplerSettings *recipes = recipeSampler(generator, recipe);
    const SamplerSettings sampler = recipes ? *recipes : generator.samplerSettings();
    std::ostringstream out;
    out << std::hexfloat << "anchor pool 1; seed " << seed << "; chunk " << chunk << "; generator "
        << sha256OfFile(generator.path()) << " sidecar "
        << (generator.hasSidecar() ? sha256OfFile(generator.sidecarPath()) : "none") << "; device "
        << generator.deviceName() << "; truncation " << recipe.anchors.truncation << "; classes";
    for (int c : recipe.anchors.classes)
        out << ' ' << c;
    if (generator.info().isDiffusion())
        out << "; sampler " << sampler.steps << ' ' << sampler.guidance << ' ' << sampler.eta;
    return out.str();
}

} // namespace

AnchorPool::AnchorPool(const Generator &generator, const ViewRecipe &recipe, std::uint64_t runSeed,
                       const std::string &cacheFolder)
    : m_generator(generator), m_recipe(recipe), m_seed(streamSeed(runSeed, "anchor.pool")),
      m_render(!makesLatentViews(recipe))
{
    // A power of two (so chunks align with blocks), no more than a small pool holds.
    while (m_chunk * 2 <= std::min<std::int64_t>(kRenderChunk, recipe.anchors.poolSize))
        m_chunk *= 2;
    if (cacheFolder.empty() || !m_render) return;
    namespace fs = std::filesystem;
    const std::string folder =
        cacheFolder + "/" +
        sha256OfBytes(imageIdentity(generator, recipe, m_seed, m_chunk)).substr(0, 16);
    std::error_code ec;
    // Another key's chunks (an earlier recipe version, another device) are
    // of no use from here: the run's one pool at a time is this one.
    for (const auto &entry : fs::directory_iterator(cacheFolder, ec))
        if (entry.path() != fs::path(folder)) fs::remove_all(entry.path(), ec);
    fs::create_directories(folder, ec);
    if (ec) return; // the pool works without its cache (renders again on resume)
    m_cache = folder;
    removeStaleTemporaries(m_cache);
    for (const auto &entry : fs::directory_iterator(m_cache, ec)) {
        const std::string name = entry.path().filename().string(); // chunk-N.pt
        const std::string digits = name.size() > 9 && name.rfind("chunk-", 0) == 0 &&
                                           name.compare(name.size() - 3, 3, ".pt") == 0
                                       ? name.substr(6, name.size() - 9)
                                       : "";
        if (!digits.empty() && digits.size() < 18 &&
            std::all_of(digits.begin(), digits.end(), [](char d) { return d >= '0' && d <= '9'; }))
            m_cachedChunks.insert(std::stoll(digits));
    }
}

std::string AnchorPool::cacheFolder() const
{
    std::lock_guard lock(m_mutex);
    return m_cache;
}

std::string AnchorPool::chunkFile(std::int64_t c) const
{
    return m_cache + "/chunk-" + std::to_string(c) + ".pt";
}

double AnchorPool::bytesFor(const GeneratorInfo &info, const ViewRecipe &recipe)
{
    const std::int64_t size = recipe.anchors.poolSize;
    const double image = double(info.channels) * info.resolution * info.resolution;
    // The window's latents: blocks of kBlock over [start, start + size), one
    // more where the window straddles them (a diffusion model's x_T is an
    // image's size).
    const double latents = double((size + kBlock - 1) / kBlock + 1) * kBlock * info.latentSize;
    // Images unless the views are latent; a render chunk may run past the
    // window's end: those images are kept for later.
    const double images = makesLatentViews(recipe) ? 0 : double(size + kRenderChunk) * image;
    return (images + latents) * sizeof(float);
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
    while (!m_cachedChunks.empty() && (*m_cachedChunks.begin() + 1) * m_chunk <= start) {
        std::error_code ec;
        std::filesystem::remove(chunkFile(*m_cachedChunks.begin()), ec);
        m_cachedChunks.erase(m_cachedChunks.begin());
    }

    std::vector<torch::Tensor> z(k), y(k);
    std::vector<std::int64_t> chunks; // render chunks holding a drawn anchor without an image
    for (std::int64_t i = 0; i < k; ++i) {
        const Anchors b = block(idx[i] / kBlock);
        z[i] = b.z[idx[i] % kBlock];
        y[i] = b.y[idx[i] % kBlock];
        if (m_render && !m_images.count(idx[i])) chunks.push_back(idx[i] / m_chunk);
    }
    if (!m_render) return Anchors{torch::stack(z), torch::stack(y), {}};
    std::sort(chunks.begin(), chunks.end());
    chunks.erase(std::unique(chunks.begin(), chunks.end()), chunks.end());
    for (std::int64_t c : chunks) {
        const auto images = renderChunk(c);
        for (std::int64_t i = 0; i < m_chunk; ++i)
            if (c * m_chunk + i >= start)
                m_images.emplace(c * m_chunk + i, images[i].clone()); // own storage
    }
    std::vector<torch::Tensor> images(k);
    for (std::int64_t i = 0; i < k; ++i)
        images[i] = m_images.at(idx[i]);
    return Anchors{torch::stack(z), torch::stack(y), torch::stack(images)};
}

torch::Tensor AnchorPool::renderChunk(std::int64_t c)
{
    const GeneratorInfo &info = m_generator.info();
    const std::vector<std::int64_t> shape{m_chunk, info.channels, info.resolution, info.resolution};
    if (m_cachedChunks.count(c)) {
        // A file that cannot be read back as this chunk (cut short by a full
        // disk, say) is rendered again.
        try {
            const std::string bytes =
                readFileCapped(chunkFile(c), "anchor pool chunk", std::size_t(1) << 34);
            const auto images =
                torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toTensor();
            if (images.scalar_type() == torch::kFloat32 && images.sizes() == shape &&
                images.isfinite().all().item<bool>()) {
                m_fromCache += m_chunk;
                return m_generator.toDevice(images);
            }
        } catch (const std::exception &) {
        }
        std::error_code ec;
        std::filesystem::remove(chunkFile(c), ec);
        m_cachedChunks.erase(c);
    }
    // Each chunk in a batch of its own: a sampler's output differs in its last
    // bits between batch sizes, so an anchor rendered with whichever others a
    // step drew made replays and resumes (fresh pools) differ from the run.
    const Anchors b = block(c * m_chunk / kBlock);
    const std::int64_t row = c * m_chunk % kBlock; // [m_chunk] rows of the block
    const auto images = m_generator.generateOnDevice(
        b.z.slice(0, row, row + m_chunk), b.y.slice(0, row, row + m_chunk),
        recipeSampler(m_generator, m_recipe)); // [m_chunk, C, R, R]
    m_rendered += m_chunk;
    if (!m_cache.empty()) {
        try {
            const std::vector<char> bytes = torch::pickle_save(images.cpu().contiguous());
            // Unsynced: a chunk lost to a power cut is rendered again.
            writeFileAtomicallyUnsynced(chunkFile(c), std::string(bytes.begin(), bytes.end()));
            m_cachedChunks.insert(c);
        } catch (const std::exception &) {
            // A full disk: the pool goes on without its cache (what is there
            // stays for the run's end to remove).
            m_cache.clear();
            m_cachedChunks.clear();
        }
    }
    return images;
}

std::int64_t AnchorPool::imagesRendered() const
{
    std::lock_guard lock(m_mutex);
    return m_rendered;
}

std::int64_t AnchorPool::imagesReadFromCache() const
{
    std::lock_guard lock(m_mutex);
    return m_fromCache;
}

} // namespace latent
