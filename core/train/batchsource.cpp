// SPDX-License-Identifier: MIT
#include "train/batchsource.h"

#include "data/dataset.h"
#include "error.h"
#include "eval/evaluation.h"
#include "generators/anchorpool.h"
#include "runtime.h"
#include "views/augment.h"
#include "views/viewrecipe.h"
#include "views/views.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/DeviceGuard.h>
#include <torch/nn/functional.h>

namespace latent {

bool BatchQueue::push(Batch b)
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_closed || m_items.size() < m_capacity; });
    if (m_closed) return false;
    m_items.push_back(std::move(b));
    m_cv.notify_all();
    return true;
}

std::optional<Batch> BatchQueue::pop()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_closed || !m_items.empty() || !m_error.empty(); });
    if (m_closed) return std::nullopt; // batches made for a recipe or range left behind
    if (!m_items.empty()) {
        Batch b = std::move(m_items.front());
        m_items.pop_front();
        m_cv.notify_all();
        return b;
    }
    if (!m_error.empty()) throw Error(m_error);
    return std::nullopt;
}

void BatchQueue::fail(const std::string &message)
{
    std::lock_guard lock(m_mutex);
    m_error = message;
    m_cv.notify_all();
}

void BatchQueue::close()
{
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_cv.notify_all();
}

torch::Tensor resizeViews(const torch::Tensor &views, int side)
{
    if (views.size(3) == side && views.size(4) == side) return views;
    const auto flat = views.flatten(0, 1); // [B * V, C, H, W]
    namespace F = torch::nn::functional;
    auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{side, side});
    if (views.size(3) > side)
        options.mode(torch::kArea);
    else
        options.mode(torch::kBilinear).align_corners(false);
    const auto out = F::interpolate(flat, options);
    return out.view({views.size(0), views.size(1), views.size(2), side, side});
}

std::string viewsSha256(const torch::Tensor &views)
{
    const auto bytes = views.to(torch::kCPU, torch::kFloat32).contiguous();
    return sha256OfData(bytes.data_ptr(), bytes.nbytes());
}

std::string batchFingerprint(const std::vector<std::string> &shareDigests)
{
    std::string joined;
    for (const std::string &d : shareDigests)
        joined += d;
    return sha256OfBytes(joined);
}

BatchShape batchShape(const TrainConfig &config, const ViewRecipe &recipe,
                      const Generator *generator, const Dataset *real,
                      const std::string &recipeWhat)
{
    if (config.data != "generator") generator = nullptr; // a real run's config may name one
    BatchShape shape;
    if (generator) {
        const GeneratorInfo &info = generator->info();
        checkRecipeFits(recipe, *generator, recipeWhat);
        constexpr double kMaxPoolBytes = 4.0 * (1 << 30);
        const double poolBytes = AnchorPool::bytesFor(info, recipe);
        if (poolBytes > kMaxPoolBytes)
            throw Error(
                recipeWhat + ": anchors.pool.size " + std::to_string(recipe.anchors.poolSize) +
                " keeps up to " + std::to_string(int(poolBytes / (1 << 20))) + " MiB of " +
                (makesLatentViews(recipe)
                     ? std::string("latents (its latent views use no anchor image)")
                     : std::to_string(info.channels) + "x" + std::to_string(info.resolution) + "x" +
                           std::to_string(info.resolution) + " images and their latents") +
                "; at most 4096 MiB, choose a smaller pool");
        shape.channels = info.channels;
        shape.resolution = info.resolution;
    } else { // a real-data run (validate() refuses a generator run without a generator)
        shape.channels = real->channels();
        shape.resolution = naturalResolution(*real);
    }
    shape.viewsPerAnchor = recipe.views.perAnchor;
    shape.labels = config.data == "generator" && recipe.views.classPositives &&
                   generator->info().isConditional();
    if (shape.viewsPerAnchor < 2 && !shape.labels)
        throw Error(recipeWhat + ": views.per_anchor is " + std::to_string(shape.viewsPerAnchor) +
                    "; contrastive training needs at least 2 views per anchor");
    if (config.resolution > 0) shape.resolution = config.resolution;
    return shape;
}

BatchSource::Setup BatchSource::forRun(const TrainConfig &config, const ViewRecipe &recipe,
                                       const Generator *generator,
                                       std::shared_ptr<const Dataset> real, const BatchShape &shape,
                                       int rank, int ranks, torch::Device device)
{
    Setup s;
    s.config = &config;
    s.recipe = &recipe;
    s.generator = config.data == "generator" ? generator : nullptr; // as batchShape
    if (!s.generator && !real) throw Error("a real-data run needs its dataset loaded");
    s.real = std::move(real);
    s.channels = shape.channels;
    s.resolution = shape.resolution;
    s.viewsPerAnchor = shape.viewsPerAnchor;
    s.labels = shape.labels;
    s.rank = rank;
    s.ranks = ranks;
    s.device = device;
    return s;
}

BatchSource::BatchSource(Setup setup) : m_setup(std::move(setup))
{
    const int total = m_setup.config->batch;
    if (total % m_setup.ranks != 0)
        throw Error("a global batch of " + std::to_string(total) + " anchors cannot be split " +
                    "evenly between " + std::to_string(m_setup.ranks) +
                    " ranks; choose a batch that is a multiple of the number of ranks");
    m_rows = total / m_setup.ranks;
    m_share = SampleSlice{int64_t(m_rows) * m_setup.rank, total};
    if (m_setup.generator && m_setup.recipe->anchors.poolSize > 0)
        m_pool = std::make_unique<AnchorPool>(*m_setup.generator, *m_setup.recipe,
                                              m_setup.config->seed, m_setup.poolCache);
}

BatchSource::~BatchSource()
{
    close();
}

Batch BatchSource::make(int s) const
{
    const TrainConfig &config = *m_setup.config;
    const std::uint64_t seed = stepSeed(config.seed, s);
    const int64_t v = m_setup.viewsPerAnchor;
    Batch b;
    b.step = s;
    if (m_setup.generator) {
        torch::Tensor classes, views;
        if (m_pool) {
            const Anchors a = m_pool->draw(s, seed, m_share, m_rows);
            classes = a.y;
            views = viewsOfAnchors(*m_setup.generator, *m_setup.recipe, a, int(v), seed,
                                   ViewMode::Both, m_share);
        } else {
            views = generateViews(*m_setup.generator, *m_setup.recipe, m_rows, int(v), seed,
                                  ViewMode::Both, &classes, nullptr, m_share);
        }
        // Views are made under inference mode; the clone is an ordinary tensor
        // that autograd may save.
        b.views = resizeViews(views, m_setup.resolution).clone();
        if (m_setup.labels) b.labels = classes.clone();
        b.sha256 = viewsSha256(b.views);
        return b;
    }
    const Dataset &real = *m_setup.real;
    // Indices and images on the CPU, where the byte store is; then on a GPU
    // run one asynchronous copy from pinned memory, and the V copies and
    // their augmentations made there.
    auto gen = at::detail::createCPUGenerator(streamSeed(seed, "real.index"));
    const auto idx = torch::randint(real.train.size(), {m_share.total}, gen, torch::kInt64)
                         .slice(0, m_share.first, m_share.first + m_rows);
    auto images =
        shapeImages(real.train, idx, m_setup.channels, m_setup.resolution); // [b, C, R, R]
    if (m_setup.device.is_cuda())
        images = images.pin_memory().to(m_setup.device, /*non_blocking=*/true);
    const auto x = images.repeat_interleave(v, 0); // [b * V, C, R, R]
    b.views = augmentPixels(x, m_setup.recipe->pixel, streamSeed(seed, "real.pixel"),
                            SampleSlice{m_share.first * v, m_share.total * v})
                  .view({m_rows, v, x.size(1), x.size(2), x.size(3)});
    b.sha256 = viewsSha256(b.views);
    return b;
}

void BatchSource::start(int first, int last, int threads)
{
    m_thread = std::thread([this, first, last, threads] {
        enterBackgroundThread("latent-batches");
        setThreadTorchThreads(threads);
        // The rank's GPU as this thread's current device: pin_memory made a
        // context on GPU 0 from every rank of a multi-GPU node.
        c10::OptionalDeviceGuard onDevice;
        if (m_setup.device.is_cuda()) onDevice.reset_device(m_setup.device);
        try {
            for (int s = first; s <= last; ++s)
                if (!m_queue.push(make(s))) return;
        } catch (const std::exception &e) {
            m_queue.fail(std::string("making the views of a batch failed: ") + e.what());
        }
    });
}

void BatchSource::close()
{
    m_queue.close();
    if (m_thread.joinable()) m_thread.join();
}

} // namespace latent
