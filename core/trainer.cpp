// SPDX-License-Identifier: MIT
#include "trainer.h"

#include "atomicfile.h"
#include "augment.h"
#include "contrastive.h"
#include "directions.h"
#include "encoder.h"
#include "error.h"
#include "evaluation.h"
#include "idx.h"
#include "jsonfields.h"
#include "runlock.h"
#include "runtime.h"
#include "views.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace latent {
namespace {

using Clock = std::chrono::steady_clock;
using json::Json;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// The data of step s depends on (seed, s) only, so a resumed run sees the
// batches an uninterrupted one would.
std::uint64_t stepSeed(std::uint64_t seed, int step)
{
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + std::uint64_t(step) + 0x632BE59BD9B4E019ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

struct Batch
{
    int step = 0;
    torch::Tensor views;  // [B, V, C, H, W] in [0, 1]
    torch::Tensor labels; // [B] int64 for SupCon, undefined for SimCLR
};

// Bounded hand-over from the prefetch thread to the training thread.
class BatchQueue
{
public:
    explicit BatchQueue(std::size_t capacity) : m_capacity(capacity) {}

    bool push(Batch b) // false once closed
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_closed || m_items.size() < m_capacity; });
        if (m_closed) return false;
        m_items.push_back(std::move(b));
        m_cv.notify_all();
        return true;
    }
    // Waits for a batch; nullopt when closed, and rethrows a producer failure.
    std::optional<Batch> pop()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_closed || !m_items.empty() || !m_error.empty(); });
        if (!m_items.empty()) {
            Batch b = std::move(m_items.front());
            m_items.pop_front();
            m_cv.notify_all();
            return b;
        }
        if (!m_error.empty()) throw Error(m_error);
        return std::nullopt;
    }
    void fail(const std::string &message)
    {
        std::lock_guard lock(m_mutex);
        m_error = message;
        m_cv.notify_all();
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_cv.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Batch> m_items;
    std::size_t m_capacity;
    bool m_closed = false;
    std::string m_error;
};

// Making views costs about half a training step on the CPU, and the cores are
// split between the two threads rather than shared: two OpenMP teams of all
// cores each oversubscribe them (measured on 2 cores, batch 256 x 2 views:
// 690 img/s shared, 1,020 split when generation took 0.21 s; with chunked
// generation 1,100-1,170 split, 1,100 shared, the same as a serial loop).
constexpr int kEmbeddingPoints = 1000;

int producerThreads(int all)
{
    return std::max(1, all / 2);
}

// Autocast to bfloat16 on the CPU for the forward pass, as Python's
// torch.autocast("cpu") does; the loss is computed in float32.
class Bf16Autocast
{
public:
    explicit Bf16Autocast(bool on) : m_on(on)
    {
        if (!m_on) return;
        at::autocast::set_cpu_enabled(true);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::increment_nesting();
    }
    ~Bf16Autocast()
    {
        if (!m_on) return;
        if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
        at::autocast::set_cpu_enabled(false);
    }

private:
    bool m_on;
};

std::string csvNumber(double v)
{
    if (std::isnan(v)) return "";
    std::ostringstream s;
    s.precision(9);
    s << v;
    return s.str();
}

Json jsonNumber(double v)
{
    return std::isnan(v) ? Json(nullptr) : Json(v);
}

const char *kCsvHeader = "kind,step,loss,lr,images_per_s,probe,knn,wall_s\n";

std::string csvRow(const MetricRow &r)
{
    return r.kind + "," + std::to_string(r.step) + "," + csvNumber(r.loss) + "," + csvNumber(r.lr) +
           "," + csvNumber(r.imagesPerSecond) + "," + csvNumber(r.probe) + "," + csvNumber(r.knn) +
           "," + csvNumber(r.wallSeconds) + "\n";
}

std::string jsonRow(const MetricRow &r)
{
    const Json j = {{"kind", r.kind},
                    {"step", r.step},
                    {"loss", jsonNumber(r.loss)},
                    {"lr", jsonNumber(r.lr)},
                    {"images_per_s", jsonNumber(r.imagesPerSecond)},
                    {"probe", jsonNumber(r.probe)},
                    {"knn", jsonNumber(r.knn)},
                    {"wall_s", r.wallSeconds}};
    return j.dump() + "\n";
}

double number(const Json &j, const char *key)
{
    const auto it = j.find(key);
    return it == j.end() || !it->is_number() ? MetricRow::kNone : it->get<double>();
}

RunState stateFromString(const std::string &s, const std::string &path)
{
    for (RunState st : {RunState::Created, RunState::Running, RunState::Paused, RunState::Stopped,
                        RunState::Finished, RunState::Failed})
        if (s == toString(st)) return st;
    throw Error("run status " + path + ": state \"" + s + "\" is unknown");
}

ImageBatch toImageBatch(const torch::Tensor &x) // [N, C, H, W] in [0, 1]
{
    const auto bytes =
        x.mul(255).round().clamp(0, 255).to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
    ImageBatch b;
    b.count = static_cast<int>(x.size(0));
    b.channels = static_cast<int>(x.size(1));
    b.height = static_cast<int>(x.size(2));
    b.width = static_cast<int>(x.size(3));
    b.pixels.assign(bytes.data_ptr<std::uint8_t>(), bytes.data_ptr<std::uint8_t>() + bytes.numel());
    b.classes.assign(b.count, -1);
    return b;
}

} // namespace

const char *toString(RunState state)
{
    switch (state) {
    case RunState::Created:
        return "created";
    case RunState::Running:
        return "running";
    case RunState::Paused:
        return "paused";
    case RunState::Stopped:
        return "stopped";
    case RunState::Finished:
        return "finished";
    case RunState::Failed:
        return "failed";
    }
    return "";
}

RunStatus readRunStatus(const std::string &runDir)
{
    const RunFiles files{runDir};
    const std::string what = "run status " + files.status();
    const Json doc = json::parse(readFileCapped(files.status(), what, 1 << 16), what, 1 << 16);
    const json::Object o(doc, what, "");
    o.allowOnly({"schema_version", "state", "step", "total_steps", "message"});
    RunStatus s;
    s.state = stateFromString(o.string("state"), files.status());
    s.step = static_cast<int>(o.integer("step", 0, 1LL << 31));
    s.totalSteps = static_cast<int>(o.integer("total_steps", 0, 1LL << 31));
    s.message = o.string("message");
    return s;
}

std::vector<MetricRow> readMetrics(const std::string &runDir)
{
    const RunFiles files{runDir};
    std::ifstream in(files.metricsJsonl());
    if (!in) throw Error("cannot read " + files.metricsJsonl() + ": " + std::strerror(errno));
    std::vector<MetricRow> rows;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty()) continue;
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("kind") || !j.contains("step")) {
            if (in.peek() == EOF) break; // a torn last line: the run was killed mid-write
            throw Error("metrics " + files.metricsJsonl() + " line " + std::to_string(lineNo) +
                        " is not a metrics row");
        }
        MetricRow r;
        r.kind = j.value("kind", "train");
        r.step = j.value("step", 0);
        r.loss = number(j, "loss");
        r.lr = number(j, "lr");
        r.imagesPerSecond = number(j, "images_per_s");
        r.probe = number(j, "probe");
        r.knn = number(j, "knn");
        r.wallSeconds = number(j, "wall_s");
        rows.push_back(r);
    }
    return rows;
}

struct Trainer::Impl
{
    RunFiles files;
    TrainConfig config;
    ViewRecipe recipe;
    std::unique_ptr<Generator> generator;
    std::shared_ptr<EvalData> eval;
    std::shared_ptr<const Dataset> real; // training images in real-data runs
    DataLoadProgress loading;            // while prepare() reads the datasets
    RunLock lock;                        // from create/open until the run ends
    torch::Device device{torch::kCPU};
    bool bf16 = false;
    bool supCon = false;
    int threads = 1; // intra-op threads of the run, split between prefetch and training
    int viewsPerAnchor = 2;
    int channels = 1, resolution = 32;
    Encoder encoder{nullptr};
    std::unique_ptr<torch::optim::Optimizer> optimizer;

    int startStep = 0;
    double wallBefore = 0; // training seconds of earlier sessions
    int injectNan = -1;
    TrainObserver observer;

    mutable std::mutex mutex; // guards what follows
    std::condition_variable cv;
    RunState state = RunState::Created;
    std::string message;
    bool stopRequested = false;
    bool pauseRequested = false;
    std::vector<MetricRow> metrics;
    ImageBatch latestViews;
    int step = 0;

    std::atomic<bool> cancel{false};
    std::thread thread;

    void prepare();
    std::shared_ptr<const Dataset> loadData(const std::string &source) const;
    void loadCheckpoint();
    void saveCheckpoint(int atStep, double wall);
    void writeStatus(RunState st, int atStep, const std::string &why);
    void setState(RunState st, const std::string &why);
    void record(const MetricRow &row);
    Batch makeBatch(int s) const;
    double learningRate(int s, double elapsed) const;
    int totalSteps() const { return config.steps; }
    void run();
    void produce(BatchQueue &queue);
    void evaluateAndRecord(const std::string &kind, int atStep, double wall);
};

void Trainer::Impl::prepare()
{
    validate(config, "training config " + files.config());
    if (config.device == "cuda" && !cudaAvailable())
        throw Error(
            "training config " + files.config() +
            ": runtime.device is cuda but this LibTorch has no CUDA device; use auto or cpu");
    device = (config.device != "cpu" && cudaAvailable()) ? torch::Device(torch::kCUDA)
                                                         : torch::Device(torch::kCPU);
    if (config.precision == "bf16" && device.is_cpu() && !cpuHasBf16())
        throw Error("training config " + files.config() +
                    ": runtime.precision is bf16 but this CPU has no bfloat16 instructions; use "
                    "auto or fp32");
    threads = config.threads > 0 ? config.threads : torchThreads();
    bf16 = device.is_cpu() &&
           (config.precision == "bf16" || (config.precision == "auto" && cpuHasBf16()));

    if (!config.generator.empty()) generator = Generator::load(config.generator);
    if (generator) {
        const GeneratorInfo &info = generator->info();
        recipe.checkAgainst(info.latentSize, info.numClasses, "recipe " + files.recipe());
        channels = info.channels;
        resolution = info.resolution;
    }
    const auto evalSet = loadData(config.evalData);
    if (config.data == "real")
        real = config.realData == config.evalData ? evalSet : loadData(config.realData);
    if (!generator) { // a real-data run (validate() refuses a generator run without one)
        channels = real->channels();
        resolution = naturalResolution(*real);
    }
    viewsPerAnchor = recipe.views.perAnchor;
    supCon = config.data == "generator" && recipe.views.classPositives &&
             generator->info().isConditional();
    if (viewsPerAnchor < 2 && !supCon)
        throw Error("recipe " + files.recipe() + ": views.per_anchor is " +
                    std::to_string(viewsPerAnchor) +
                    "; contrastive training needs at least 2 views per anchor");
    if (config.resolution > 0) resolution = config.resolution;
    eval = std::make_shared<EvalData>(evalSet, channels, resolution);
    if (real && real->train.empty())
        throw Error("dataset " + real->path + " has no training images");

    torch::manual_seed(config.seed);
    encoder = Encoder(encoderPreset(config.encoder, channels, config.width));
    encoder->to(device);
    if (device.is_cpu()) encoder->useChannelsLast();
    if (config.optimizer == "adam")
        optimizer = std::make_unique<torch::optim::Adam>(
            encoder->parameters(),
            torch::optim::AdamOptions(config.lr).weight_decay(config.weightDecay));
    else
        optimizer = std::make_unique<torch::optim::SGD>(encoder->parameters(),
                                                        torch::optim::SGDOptions(config.lr)
                                                            .momentum(config.momentum)
                                                            .weight_decay(config.weightDecay));
}

std::shared_ptr<const Dataset> Trainer::Impl::loadData(const std::string &source) const
{
    DatasetOptions options;
    options.skipUnreadable = config.skipUnreadable;
    if (loading)
        options.progress = [&](std::int64_t done, std::int64_t total) {
            return loading(source, done, total);
        };
    return std::make_shared<const Dataset>(openDataset(source, options));
}

void Trainer::Impl::saveCheckpoint(int atStep, double wall)
{
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model, optim;
    encoder->save(model);
    optimizer->save(optim);
    archive.write("model", model);
    archive.write("optimizer", optim);
    archive.write("step", torch::tensor(int64_t(atStep)));
    archive.write("wall_seconds", torch::tensor(wall, torch::kFloat64));
    archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
    std::ostringstream bytes;
    archive.save_to(bytes);
    writeFileAtomically(files.checkpoint(), bytes.str());
}

void Trainer::Impl::loadCheckpoint()
{
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(files.checkpoint());
        torch::serialize::InputArchive model, optim;
        archive.read("model", model);
        archive.read("optimizer", optim);
        encoder->load(model);
        optimizer->load(optim);
        torch::Tensor s, wall, rng;
        archive.read("step", s);
        archive.read("wall_seconds", wall);
        archive.read("rng", rng);
        startStep = static_cast<int>(s.item<int64_t>());
        wallBefore = wall.item<double>();
        at::Generator global = at::detail::getDefaultCPUGenerator();
        std::lock_guard rngLock(global.mutex());
        global.set_state(rng);
    } catch (const c10::Error &e) {
        throw Error("checkpoint " + files.checkpoint() + " cannot be loaded (" +
                    e.what_without_backtrace() + "); it does not match the run's config.json");
    }
    if (device.is_cpu()) encoder->useChannelsLast();
}

void Trainer::Impl::writeStatus(RunState st, int atStep, const std::string &why)
{
    const Json j = {{"schema_version", 1},
                    {"state", toString(st)},
                    {"step", atStep},
                    {"total_steps", totalSteps()},
                    {"message", why}};
    writeFileAtomically(files.status(), j.dump(2) + "\n");
}

void Trainer::Impl::setState(RunState st, const std::string &why)
{
    {
        std::lock_guard lock(mutex);
        state = st;
        message = why;
    }
    try {
        writeStatus(st, step, why);
    } catch (const Error &) {
        // The folder may be gone; the state still reaches the observer.
    }
    if (observer.state) observer.state(st, why);
}

void Trainer::Impl::record(const MetricRow &row)
{
    appendToExistingFile(files.metricsCsv(), csvRow(row));
    appendToExistingFile(files.metricsJsonl(), jsonRow(row));
    {
        std::lock_guard lock(mutex);
        metrics.push_back(row);
    }
    if (observer.metric) observer.metric(row);
}

namespace {

// Views [B, V, C, H, W] at the encoder's side: area filter when shrinking
// (a 128 px generator trained at 64), bilinear when growing.
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

} // namespace

Batch Trainer::Impl::makeBatch(int s) const
{
    const std::uint64_t seed = stepSeed(config.seed, s);
    Batch b;
    b.step = s;
    const int64_t n = config.batch, v = viewsPerAnchor;
    if (config.data == "generator") {
        torch::Tensor classes;
        // Views are made under inference mode; the clone is an ordinary tensor
        // that autograd may save.
        b.views = resizeViews(generateViews(*generator, recipe, config.batch, viewsPerAnchor, seed,
                                            ViewMode::Both, &classes),
                              resolution)
                      .clone();
        if (supCon) b.labels = classes.clone();
    } else {
        auto gen = at::detail::createCPUGenerator(seed);
        const auto idx = torch::randint(real->train.size(), {n}, gen, torch::kInt64);
        const auto x = shapeImages(real->train, idx, channels, resolution).repeat_interleave(v, 0);
        b.views =
            augmentPixels(x, recipe.pixel, seed).view({n, v, x.size(1), x.size(2), x.size(3)});
    }
    return b;
}

// Linear warm-up, then cosine decay to zero over the budget (steps, or time
// when a time budget ends first).
double Trainer::Impl::learningRate(int s, double elapsed) const
{
    if (s <= config.warmupSteps && config.warmupSteps > 0)
        return config.lr * double(s) / double(config.warmupSteps);
    double progress =
        double(s - config.warmupSteps) / std::max(1.0, double(totalSteps() - config.warmupSteps));
    if (config.minutes > 0) progress = std::max(progress, elapsed / (config.minutes * 60));
    return config.lr * 0.5 * (1 + std::cos(M_PI * std::min(1.0, progress)));
}

void Trainer::Impl::produce(BatchQueue &queue)
{
    setThreadTorchThreads(producerThreads(threads));
    try {
        for (int s = startStep + 1; s <= totalSteps() && !cancel.load(); ++s)
            if (!queue.push(makeBatch(s))) return;
    } catch (const std::exception &e) {
        queue.fail(std::string("making the views of a batch failed: ") + e.what());
    }
}

// Online: fixed subsets; final: the full splits. Then the embedding, when observed.
void Trainer::Impl::evaluateAndRecord(const std::string &kind, int atStep, double wall)
{
    const bool online = kind == "online";
    EncodeProgress progress;
    if (observer.evaluation)
        progress = [&](std::int64_t done, std::int64_t total) {
            observer.evaluation(kind, done, total);
        };
    const EvalResult r =
        evaluateEncoder(*encoder, *eval, online ? config.probeTrain : 0,
                        online ? config.probeTest : 0, config.knnK, &cancel, progress);
    MetricRow e;
    e.kind = kind;
    e.step = atStep;
    e.probe = r.probe;
    e.knn = r.knn;
    e.wallSeconds = wall;
    record(e);
    if (!observer.embedding) return;
    const Embedding2d pca = pcaEmbedding(*encoder, *eval, kEmbeddingPoints);
    EmbeddingSnapshot snap;
    snap.step = atStep;
    snap.kind = kind;
    snap.x = pca.x;
    snap.y = pca.y;
    snap.labels = pca.labels;
    const auto idx = torch::tensor(std::vector<int64_t>(pca.indices.begin(), pca.indices.end()));
    snap.images = toImageBatch(eval->images(eval->test(), idx));
    snap.images.classes = pca.labels;
    observer.embedding(snap);
}

void Trainer::Impl::run()
{
    enum class End { Finished, Stopped, Failed } end = End::Finished;
    std::string why;
    BatchQueue queue(2);
    std::thread producer;
    double wall = wallBefore;
    try {
        setState(RunState::Running, "");
        setThreadTorchThreads(std::max(1, threads - producerThreads(threads)));
        producer = std::thread([&] { produce(queue); });
        encoder->train();
        auto segment = Clock::now();
        double paused = 0, rate = 0;
        auto lastPreview = Clock::now() - std::chrono::hours(1);
        int s = startStep;
        int lastCheckpoint = std::filesystem::exists(files.checkpoint()) ? startStep : -1;
        while (true) {
            {
                std::unique_lock lock(mutex);
                if (pauseRequested && !stopRequested) {
                    const auto t0 = Clock::now();
                    lock.unlock();
                    setState(RunState::Paused, "");
                    lock.lock();
                    cv.wait(lock, [&] { return !pauseRequested || stopRequested; });
                    paused += secondsSince(t0);
                    lock.unlock();
                    if (!stopRequested) setState(RunState::Running, "");
                    lock.lock();
                }
                if (stopRequested) {
                    end = End::Stopped;
                    why = "stopped by the user at step " + std::to_string(s);
                    break;
                }
            }
            wall = wallBefore + secondsSince(segment) - paused;
            if (s >= totalSteps() || (config.minutes > 0 && wall >= config.minutes * 60)) break;
            const auto t0 = Clock::now();
            std::optional<Batch> batch = queue.pop();
            if (!batch) break;
            const int next = s + 1;
            const double lr = learningRate(next, wall);
            for (auto &group : optimizer->param_groups())
                group.options().set_lr(lr);

            const auto &views = batch->views; // [B, V, C, H, W]
            const int64_t b = views.size(0), v = views.size(1);
            auto x = views.reshape({b * v, views.size(2), views.size(3), views.size(4)}).to(device);
            if (device.is_cpu()) x = x.contiguous(at::MemoryFormat::ChannelsLast);
            torch::Tensor features;
            {
                Bf16Autocast autocast(bf16);
                features = encoder->forward(x);
            }
            auto loss =
                supConLoss(features.view({b, v, -1}),
                           batch->labels.defined() ? batch->labels.to(device) : torch::Tensor(),
                           config.temperature, config.baseTemperature);
            if (next == injectNan) loss = loss * std::numeric_limits<float>::quiet_NaN();
            const double lossValue = loss.item<double>();
            if (!std::isfinite(lossValue)) {
                end = End::Failed;
                why = "the loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") +
                      " at step " + std::to_string(next) + "; training stopped" +
                      (lastCheckpoint >= 0 ? " and the last good checkpoint (step " +
                                                 std::to_string(lastCheckpoint) + ") is kept"
                                           : std::string(" before the first checkpoint")) +
                      ". Lower the learning rate or check the recipe, then resume.";
                break;
            }
            optimizer->zero_grad();
            loss.backward();
            optimizer->step();
            s = next;
            {
                std::lock_guard lock(mutex);
                step = s;
            }
            const double dt = secondsSince(t0);
            const double imagesPerSecond = double(b * v) / std::max(dt, 1e-9);
            rate = rate == 0 ? imagesPerSecond : 0.9 * rate + 0.1 * imagesPerSecond;
            wall = wallBefore + secondsSince(segment) - paused;
            MetricRow row;
            row.step = s;
            row.loss = lossValue;
            row.lr = lr;
            row.imagesPerSecond = imagesPerSecond;
            row.wallSeconds = wall;
            record(row);

            if (secondsSince(lastPreview) > 2.0) {
                lastPreview = Clock::now();
                const auto few = views.slice(0, 0, 4);
                ImageBatch preview = toImageBatch(
                    few.reshape({few.size(0) * v, views.size(2), views.size(3), views.size(4)}));
                std::lock_guard lock(mutex);
                latestViews = std::move(preview);
            }
            if (config.probeEvery > 0 && s % config.probeEvery == 0 && s < totalSteps())
                evaluateAndRecord("online", s, wall);
            if (s % config.checkpointEvery == 0 && s < totalSteps()) {
                saveCheckpoint(s, wall);
                lastCheckpoint = s;
            }
            if (observer.progress) {
                TrainProgress p;
                p.step = s;
                p.totalSteps = totalSteps();
                p.loss = lossValue;
                p.imagesPerSecond = rate;
                p.elapsedSeconds = wall;
                const double perStep = (wall - wallBefore) / std::max(1, s - startStep);
                p.etaSeconds = perStep * (totalSteps() - s);
                if (config.minutes > 0)
                    p.etaSeconds = std::min(p.etaSeconds, config.minutes * 60 - wall);
                observer.progress(p);
            }
        }
        cancel = true;
        queue.close();
        producer.join();
        setThreadTorchThreads(threads); // evaluation has the cores to itself
        if (end == End::Failed) {
            setState(RunState::Failed, why);
            return;
        }
        saveCheckpoint(s, wall);
        exportEncoderTorchScript(*encoder, files.encoder());
        if (end == End::Finished) {
            // The final protocol: full real splits.
            cancel = false;
            evaluateAndRecord("final", s, wall);
            setState(RunState::Finished, "");
        } else {
            setState(RunState::Stopped, why);
        }
    } catch (const Cancelled &) {
        cancel = true;
        queue.close();
        if (producer.joinable()) producer.join();
        setState(RunState::Stopped, "stopped by the user at step " + std::to_string(step) +
                                        " (before the final evaluation finished)");
    } catch (const std::exception &e) {
        cancel = true;
        queue.close();
        if (producer.joinable()) producer.join();
        // `rm -rf` removes the files before the folder, so a write may fail
        // on a missing file while the folder still exists for a moment.
        std::error_code ec;
        const bool folderGone = !std::filesystem::is_directory(files.dir, ec) ||
                                !std::filesystem::exists(files.config(), ec) ||
                                !std::filesystem::exists(files.metricsCsv(), ec) ||
                                !std::filesystem::exists(files.metricsJsonl(), ec);
        if (folderGone)
            setState(RunState::Failed, "the run folder " + files.dir +
                                           " was deleted or moved while training; training "
                                           "stopped at step " +
                                           std::to_string(step) + " (" + e.what() + ")");
        else
            setState(RunState::Failed, e.what());
    }
}

namespace {

// An Impl set up from a run folder without touching its files.
std::unique_ptr<Trainer::Impl> inspect(const std::string &runDir,
                                       const DataLoadProgress &loading = {})
{
    auto impl = std::make_unique<Trainer::Impl>();
    impl->files = RunFiles{runDir};
    impl->loading = loading;
    if (!std::filesystem::exists(impl->files.config()))
        throw Error("run folder " + runDir + " has no config.json; it is not a training run");
    impl->config = readTrainConfig(impl->files.config());
    impl->recipe = readRecipe(impl->files.recipe());
    impl->prepare();
    return impl;
}

} // namespace

Trainer::Trainer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}

Trainer::~Trainer()
{
    stop();
    wait();
}

std::unique_ptr<Trainer> Trainer::create(const std::string &runDir, const TrainConfig &config,
                                         const ViewRecipe &recipe, const DataLoadProgress &loading)
{
    auto impl = std::make_unique<Impl>();
    impl->files = RunFiles{runDir};
    impl->loading = loading;
    impl->config = config;
    impl->recipe = recipe;
    if (std::filesystem::exists(impl->files.config()))
        throw Error("run folder " + runDir +
                    " already holds a run (config.json); resume it or choose another folder");
    impl->prepare();
    std::error_code ec;
    std::filesystem::create_directories(runDir, ec);
    if (ec) throw Error("cannot create run folder " + runDir + ": " + ec.message());
    impl->lock = RunLock::acquire(runDir);
    writeTrainConfig(config, impl->files.config());
    writeRecipe(recipe, impl->files.recipe());
    writeFileAtomically(impl->files.metricsCsv(), kCsvHeader);
    writeFileAtomically(impl->files.metricsJsonl(), "");
    impl->writeStatus(RunState::Created, 0, "");
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

std::unique_ptr<Trainer> Trainer::open(const std::string &runDir, const DataLoadProgress &loading)
{
    auto impl = inspect(runDir, loading);
    impl->lock = RunLock::acquire(runDir);
    removeStaleTemporaries(runDir); // a killed writer's leftovers
    const RunStatus status = readRunStatus(runDir);
    if (status.state == RunState::Finished)
        throw Error("run " + runDir + " already finished at step " + std::to_string(status.step) +
                    "; there is nothing to resume");
    if (std::filesystem::exists(impl->files.checkpoint())) impl->loadCheckpoint();
    // Drop what was logged after the checkpoint: the resumed run logs it again.
    std::string csv = kCsvHeader, jsonl;
    for (const MetricRow &r : readMetrics(runDir)) {
        if (r.step > impl->startStep || r.kind == "final") continue;
        csv += csvRow(r);
        jsonl += jsonRow(r);
        impl->metrics.push_back(r);
    }
    writeFileAtomically(impl->files.metricsCsv(), csv);
    writeFileAtomically(impl->files.metricsJsonl(), jsonl);
    impl->step = impl->startStep;
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

void Trainer::setObserver(TrainObserver observer)
{
    d->observer = std::move(observer);
}
void Trainer::injectNanAtStep(int step)
{
    d->injectNan = step;
}

void Trainer::start()
{
    if (d->thread.joinable()) return;
    d->thread = std::thread([this] {
        d->run();
        d->lock.release(); // the folder may be resumed (or trained elsewhere) from here
    });
}

void Trainer::pause()
{
    std::lock_guard lock(d->mutex);
    d->pauseRequested = true;
}

void Trainer::resume()
{
    std::lock_guard lock(d->mutex);
    d->pauseRequested = false;
    d->cv.notify_all();
}

void Trainer::stop()
{
    std::lock_guard lock(d->mutex);
    d->stopRequested = true;
    d->cancel = true;
    d->cv.notify_all();
}

void Trainer::wait()
{
    if (d->thread.joinable()) d->thread.join();
}

RunState Trainer::state() const
{
    std::lock_guard lock(d->mutex);
    return d->state;
}

std::string Trainer::message() const
{
    std::lock_guard lock(d->mutex);
    return d->message;
}

int Trainer::step() const
{
    std::lock_guard lock(d->mutex);
    return d->step;
}

const TrainConfig &Trainer::config() const
{
    return d->config;
}
const ViewRecipe &Trainer::recipe() const
{
    return d->recipe;
}
const RunFiles &Trainer::files() const
{
    return d->files;
}

std::vector<MetricRow> Trainer::metrics() const
{
    std::lock_guard lock(d->mutex);
    return d->metrics;
}

ImageBatch Trainer::latestViews() const
{
    std::lock_guard lock(d->mutex);
    return d->latestViews;
}

std::vector<std::string> Trainer::classNames() const
{
    return d->eval->dataset().classNames;
}

int Trainer::latestViewColumns() const
{
    return d->viewsPerAnchor;
}

Floors computeFloors(const std::string &runDir)
{
    const RunFiles files{runDir};
    if (std::filesystem::exists(files.floors())) {
        const std::string what = "floors " + files.floors();
        const Json j = json::parse(readFileCapped(files.floors(), what, 1 << 16), what, 1 << 16);
        const json::Object o(j, what, "");
        return {o.number("random_probe", 0, 1), o.number("random_knn", 0, 1),
                o.number("pixel_probe", 0, 1), o.number("pixel_knn", 0, 1)};
    }
    const auto impl = inspect(runDir); // a fresh encoder: the run's own initialisation
    const EvalResult random = evaluateEncoder(*impl->encoder, *impl->eval, 0, 0, impl->config.knnK);
    const EvalResult pixels = evaluatePixels(*impl->eval, impl->config.knnK);
    const Floors f{random.probe, random.knn, pixels.probe, pixels.knn};
    const Json j = {{"random_probe", f.randomProbe},
                    {"random_knn", f.randomKnn},
                    {"pixel_probe", f.pixelProbe},
                    {"pixel_knn", f.pixelKnn}};
    writeFileAtomically(files.floors(), j.dump(2) + "\n");
    return f;
}

MetricRow evaluateCheckpoint(const std::string &runDir)
{
    const auto impl = inspect(runDir);
    if (!std::filesystem::exists(impl->files.checkpoint()))
        throw Error("run " + runDir + " has no checkpoint.pt yet; nothing to evaluate");
    impl->loadCheckpoint();
    const EvalResult r = evaluateEncoder(*impl->encoder, *impl->eval, 0, 0, impl->config.knnK);
    MetricRow row;
    row.kind = "final";
    row.step = impl->startStep;
    row.probe = r.probe;
    row.knn = r.knn;
    row.wallSeconds = impl->wallBefore;
    return row;
}

} // namespace latent
