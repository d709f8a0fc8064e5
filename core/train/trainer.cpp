// SPDX-License-Identifier: MIT
#include "train/trainer.h"

#include "atomicfile.h"
#include "error.h"
#include "eval/evaluation.h"
#include "jsonfields.h"
#include "provenance.h"
#include "runtime.h"
#include "train/batchsource.h"
#include "train/contrastive.h"
#include "train/encoder.h"
#include "train/mixedprecision.h"
#include "train/runevaluator.h"
#include "train/runlock.h"
#include "train/runsummary.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <c10/core/DeviceGuard.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/serialize.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
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

// The batch thread overlaps making step s+1's views with training step s.
// Training keeps every core: the batch thread mostly waits on its full
// queue, and a split of the cores starves the encoder when views are cheap
// (resnet18 preset, batch 64 on 2 cores: 53 views/s with the cores halved
// against 151 for the phases one after another); the batch thread's share
// grows with the cores for generators that cost more (docs/throughput.md).
// A diffusion sampler on the CPU is the other way round (tens of denoiser
// calls per view: the encoder waits on it), so it takes every core too;
// its images do not depend on the thread count (fixed sub-batches), so
// neither does the run.
int producerThreads(int all, const Generator *generator, const torch::Device &device)
{
    if (generator && generator->info().isDiffusion() && device.is_cpu()) return all;
    return std::max(1, all / 4);
}

// The first line of a LibTorch message (the rest is its C++ context).
std::string firstLine(const std::string &text)
{
    return text.substr(0, text.find('\n'));
}

// How a run's training loop ended.
struct Ending
{
    enum Kind { Finished, Stopped, Failed } kind = Finished;
    std::string why;
};

} // namespace

struct Trainer::Impl
{
    RunFiles files;
    TrainConfig config;
    ViewRecipe recipe;                  // in force (written under `mutex` by the training thread)
    std::vector<RecipeVersion> recipes; // the run's versions, in order (recipeversions.h)
    std::string generatorSha256;        // of the generator file (generator runs)
    ParallelOptions parallel;
    std::shared_ptr<Communicator> comm; // data-parallel runs only
    std::unique_ptr<Generator> generator;
    std::unique_ptr<RunEvaluator> evaluator; // rank 0 only
    std::shared_ptr<const Dataset> real;     // training images in real-data runs
    DataLoadProgress loading;                // while prepare() reads the datasets
    RunLock lock;                            // from create/open until the run ends (rank 0)
    RunDevice runDevice;
    torch::Device device{torch::kCPU};
    Precision precision = Precision::Fp32;
    GradScaler scaler{false}; // fp16 only
    BatchShape shape;
    int threads = 1; // intra-op threads of the run, split between prefetch and training
    Encoder encoder{nullptr};
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::string fingerprints; // LATENT_BATCH_FINGERPRINTS: per-step batch sums, for tests
    std::string commLog;      // LATENT_COMM_SECONDS: per-step collective time, for benchmarks

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
    bool stepsEnded = false; // the loop is done: checkpoint, export, final evaluation
    std::vector<MetricRow> metrics;
    ImageBatch latestViews;
    int latestColumns = 2;                     // views per anchor in latestViews
    std::optional<ViewRecipe> requestedRecipe; // changeRecipe(): applied before the next step
    int step = 0;

    std::atomic<bool> cancel{false};
    std::thread thread;
    std::unique_ptr<BatchSource> source; // the training thread's
    int sourceLast = 0;                  // the last step it makes

    // The loop's clock and bookkeeping.
    struct Loop
    {
        int step = 0;
        double wall = 0; // training seconds, pauses excluded, agreed by all ranks
        double paused = 0;
        double rate = 0; // smoothed images per second
        int lastCheckpoint = -1;
        double lastCheckpointWall = 0; // `wall` at the last checkpoint (or the start)
        Clock::time_point segment = Clock::now();
        Clock::time_point lastPreview = Clock::now() - std::chrono::hours(1);
    };

    bool leader() const { return parallel.env.rank == 0; }
    int ranks() const { return parallel.env.worldSize; }
    int totalSteps() const { return config.steps; }

    void prepare();
    void chooseRuntime();
    void prepareData();
    void connect();
    std::shared_ptr<const Dataset> loadData(const std::string &source) const;
    void writeSkipped() const;
    std::vector<std::string> skipped; // "DATASET: FILE: why" for each image left out
    void loadCheckpoint();
    void loadEncoderState(torch::serialize::InputArchive &model);
    void saveCheckpoint(int atStep, double wall);
    void writeStatus(RunState st, int atStep, const std::string &why) const;
    void setState(RunState st, const std::string &why);
    void record(const MetricRow &row);
    double learningRate(int s, double elapsed) const;

    void run();
    void checkRecipeChange(const ViewRecipe &r, const std::string &what) const;
    void useRecipeVersion(const RecipeVersion &v);
    void addRecipeVersion(const ViewRecipe &r, int from, const std::string &how);
    void applyRequestedRecipe(const Loop &loop);
    void startSource(int first);
    Ending trainSteps(Loop &loop);
    std::optional<Ending> pauseOrStop(Loop &loop);
    bool agreeToEnd(Loop &loop, bool stop);
    std::optional<Ending> trainStep(const Batch &batch, Loop &loop);
    void afterStep(const Batch &batch, Loop &loop, double loss, double lr, double seconds,
                   const std::string &fingerprint);
    void finish(const Ending &ending, const Loop &loop);
    bool onlineDue(int step) const;
    void evaluateOnlineUnlessStopped(int atStep, double wall);
    bool onlineMissingAtStart();
    void writeFingerprint(const Batch &batch);
    std::string fingerprintOf(const Batch &batch);
    RunSession session(int fromStep) const;
    void evaluateAndRecord(const std::string &kind, int atStep, double wall);
};

// The run's device, precision and threads, from its config and rank.
void Trainer::Impl::chooseRuntime()
{
    validate(config, "training config " + files.config());
    runDevice = chooseDevice(config.device, parallel.env.localRank,
                             "training config " + files.config() + ": runtime.device");
    device = runDevice.cuda
                 ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(runDevice.index))
                 : torch::Device(torch::kCPU);
    precision = choosePrecision(config.precision, runDevice,
                                "training config " + files.config() + ": runtime.precision");
    scaler = GradScaler(precision == Precision::Fp16);
    // The encoder's input shape never changes: let cuDNN time its algorithms once.
    if (runDevice.cuda) at::globalContext().setBenchmarkCuDNN(true);
    if (config.batch % ranks() != 0)
        throw Error("training config " + files.config() + ": optimizer.batch is " +
                    std::to_string(config.batch) + ", which " + std::to_string(ranks()) +
                    " ranks cannot share evenly; use a multiple of " + std::to_string(ranks()));
    // This process's own setting (a rank's share of the cores, the CLI's
    // --threads on resume) before the one the run was created with.
    threads = parallel.threads > 0 ? parallel.threads
              : config.threads > 0 ? config.threads
                                   : torchThreads();
}

// The generator, the datasets and the image shape the encoder takes.
void Trainer::Impl::prepareData()
{
    const std::string recipeWhat = "recipe " + files.recipe();
    // A real-data run trains on its dataset even when its config names a
    // generator (the studio's Train tab and the experiment runner always do).
    if (config.data == "generator") {
        generator = Generator::load(config.generator, runDevice.name());
        generatorSha256 = sha256OfFile(config.generator);
        shape = batchShape(config, recipe, generator.get(), nullptr, recipeWhat); // before the data
    }
    // Only rank 0 evaluates; the other ranks read training images only.
    std::shared_ptr<const Dataset> evalSet;
    if (leader()) evalSet = loadData(config.evalData);
    if (config.data == "real")
        real = evalSet && config.realData == config.evalData ? evalSet : loadData(config.realData);
    if (!generator) shape = batchShape(config, recipe, nullptr, real.get(), recipeWhat);
    if (evalSet)
        evaluator = std::make_unique<RunEvaluator>(
            std::make_shared<EvalData>(evalSet, shape.channels, shape.resolution,
                                       ValidationSplit{config.validation, config.validationSeed}),
            config);
    if (real && real->train.empty())
        throw Error("dataset " + real->path + " has no training images");
    for (const Dataset *d : {evalSet.get(), real == evalSet ? nullptr : real.get()})
        if (d)
            for (const std::string &why : d->skipped)
                skipped.push_back(d->path + ": " + why);
}

// The images left out of this session's datasets (skip_unreadable), one per
// line, in skipped.txt of the run folder; no file when there are none.
void Trainer::Impl::writeSkipped() const
{
    const std::string path = files.dir + "/skipped.txt";
    std::error_code ec;
    if (skipped.empty()) {
        std::filesystem::remove(path, ec);
        return;
    }
    std::string text;
    for (const std::string &line : skipped)
        text += line + "\n";
    writeFileAtomically(path, text);
}

void Trainer::Impl::prepare()
{
    chooseRuntime();
    prepareData();
    {
        // The initial weights come from LibTorch's global generator: two
        // runs prepared at once (the studio's Train tab beside its
        // experiment, or a report card) would interleave their draws, and a
        // run's weights would not be its seed's.
        std::lock_guard lock(globalGeneratorMutex());
        torch::manual_seed(config.seed);
        encoder = Encoder(encoderPreset(config.encoder, shape.channels, config.width));
    }
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
    if (const char *path = std::getenv("LATENT_BATCH_FINGERPRINTS")) fingerprints = path;
    if (const char *path = std::getenv("LATENT_COMM_SECONDS")) commLog = path;
}

// Joins the job and makes every rank start from rank 0's weights (after a
// checkpoint load, so a resume with another number of ranks starts alike).
void Trainer::Impl::connect()
{
    if (!parallel.env.inJob()) return;
    comm = Communicator::join(parallel.env, runDevice.cuda, parallel.timeouts, parallel.cancelled);
    encoder->setCommunicator(comm);
    // Each rank read the checkpoint from its own view of the run folder: one
    // that saw another step (a folder not shared between the machines, or
    // another copy of it) would train other steps with other optimizer state
    // and hang the job at its end. Every rank learns every rank's step: [size].
    const torch::Tensor steps =
        comm->allGather(torch::full({1}, std::int64_t(startStep),
                                    torch::dtype(torch::kInt64).device(device)))
            .cpu();
    for (int r = 0; r < comm->size(); ++r)
        if (steps[r].item<std::int64_t>() != steps[0].item<std::int64_t>())
            throw Error("rank " + std::to_string(r) + " of " + std::to_string(comm->size()) +
                        " resumes at step " + std::to_string(steps[r].item<std::int64_t>()) +
                        " but rank 0 at step " + std::to_string(steps[0].item<std::int64_t>()) +
                        ": every rank must open the same run folder (on a file system the "
                        "machines share), with the checkpoint rank 0 reads");
    std::vector<torch::Tensor> state = encoder->parameters();
    for (const auto &b : encoder->buffers())
        state.push_back(b);
    broadcastFromRankZero(*comm, state);
}

std::shared_ptr<const Dataset> Trainer::Impl::loadData(const std::string &source) const
{
    DatasetOptions options;
    options.skipUnreadable = config.skipUnreadable;
    options.maxShorterSide = config.maxShorterSide;
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
    {
        std::lock_guard seeding(globalGeneratorMutex()); // see loadCheckpoint
        archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
    }
    if (scaler.enabled()) archive.write("loss_scale", scaler.state());
    std::ostringstream bytes;
    archive.save_to(bytes);
    writeFileAtomically(files.checkpoint(), bytes.str());
}

// Module::load replaces each tensor with the stored one whatever its shape:
// another encoder's weights would load silently and fail steps later.
void Trainer::Impl::loadEncoderState(torch::serialize::InputArchive &model)
{
    std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
    for (const auto &p : encoder->named_parameters())
        shapes.emplace_back(p.key(), p.value().sizes().vec());
    for (const auto &b : encoder->named_buffers())
        shapes.emplace_back(b.key(), b.value().sizes().vec());
    encoder->load(model);
    const auto params = encoder->named_parameters();
    const auto buffers = encoder->named_buffers();
    for (const auto &[name, expected] : shapes) {
        const torch::Tensor *t = params.find(name);
        if (!t) t = buffers.find(name);
        if (t && t->sizes().vec() == expected) continue;
        const auto text = [](c10::IntArrayRef sizes) {
            std::string out = "[";
            for (std::size_t i = 0; i < sizes.size(); ++i)
                out += (i ? ", " : "") + std::to_string(sizes[i]);
            return out + "]";
        };
        throw Error("checkpoint " + files.checkpoint() +
                    " does not match the run's config.json: " + name + " is " +
                    (t ? text(t->sizes()) : "missing") + " in it, " + text(expected) +
                    " in the run's encoder (encoder.preset " + config.encoder + ", encoder.width " +
                    std::to_string(config.width) + "); it was saved by another encoder");
    }
}

void Trainer::Impl::loadCheckpoint()
{
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(files.checkpoint(), device);
    } catch (const c10::Error &e) {
        throw Error("checkpoint " + files.checkpoint() + " is not a readable checkpoint (" +
                    firstLine(e.what_without_backtrace()) +
                    "): it is truncated or damaged; remove it to train the run again from step 0");
    }
    try {
        torch::serialize::InputArchive model, optim;
        archive.read("model", model);
        archive.read("optimizer", optim);
        loadEncoderState(model);
        optimizer->load(optim);
        torch::Tensor s, wall, rng;
        archive.read("step", s);
        archive.read("wall_seconds", wall);
        archive.read("rng", rng);
        torch::Tensor lossScale; // fp16 runs; absent from other runs' checkpoints
        if (scaler.enabled() && archive.try_read("loss_scale", lossScale))
            scaler.setState(lossScale);
        startStep = static_cast<int>(s.item<int64_t>());
        wallBefore = wall.item<double>();
        // Under the lock prepare() seeds and initialises weights under: a
        // run created meanwhile would take this state for its seed's.
        std::lock_guard seeding(globalGeneratorMutex());
        at::Generator global = at::detail::getDefaultCPUGenerator();
        std::lock_guard rngLock(global.mutex());
        global.set_state(rng.to(torch::kCPU));
    } catch (const c10::Error &e) {
        throw Error("checkpoint " + files.checkpoint() + " does not match the run's config.json (" +
                    firstLine(e.what_without_backtrace()) +
                    "): it was saved by another encoder or optimizer");
    }
    if (device.is_cpu()) encoder->useChannelsLast();
}

void Trainer::Impl::writeStatus(RunState st, int atStep, const std::string &why) const
{
    if (leader()) writeRunStatus(files, {st, atStep, totalSteps(), why});
}

void Trainer::Impl::setState(RunState st, const std::string &why)
{
    {
        std::lock_guard lock(mutex);
        state = st;
        message = why;
    }
    std::string shown = why;
    try {
        writeStatus(st, step, why);
    } catch (const Error &e) {
        // The folder may be gone or full: the state still reaches the
        // observer, saying why the folder does not show it.
        shown += (shown.empty() ? "" : "; ") +
                 std::string("the run folder's status.json was not "
                             "updated: ") +
                 e.what();
        std::lock_guard lock(mutex);
        message = shown;
    }
    if (observer.state) observer.state(st, shown);
}

void Trainer::Impl::record(const MetricRow &row)
{
    if (leader()) appendMetric(files, row);
    {
        std::lock_guard lock(mutex);
        metrics.push_back(row);
    }
    if (observer.metric) observer.metric(row);
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

// Online: fixed subsets; final: the full splits. Then the embedding, when observed.
bool Trainer::Impl::onlineDue(int s) const
{
    return config.probeEvery > 0 && s % config.probeEvery == 0 && s < totalSteps();
}

// A stop during an online evaluation ends the evaluation, not the step: the
// loop then stops and finish() checkpoints the step, which a resumed run
// evaluates first (run()). It used to skip the checkpoint, so that a resume
// went back to the one before (with the defaults, a whole probe interval).
// Rank 0 alone reads the metrics; every rank takes its answer.
bool Trainer::Impl::onlineMissingAtStart()
{
    bool missing = leader() && startStep > 0 && onlineDue(startStep) &&
                   std::none_of(metrics.begin(), metrics.end(), [&](const MetricRow &r) {
                       return r.kind == "online" && r.step == startStep;
                   });
    if (comm) {
        auto vote = torch::tensor({missing ? 1.0 : 0.0},
                                  torch::TensorOptions().dtype(torch::kFloat64).device(device));
        comm->allReduceMax(vote);
        missing = vote.item<double>() > 0;
    }
    return missing;
}

void Trainer::Impl::evaluateOnlineUnlessStopped(int atStep, double wall)
{
    try {
        evaluateAndRecord("online", atStep, wall);
    } catch (const Cancelled &) {
    }
}

void Trainer::Impl::evaluateAndRecord(const std::string &kind, int atStep, double wall)
{
    EncodeProgress progress;
    if (observer.evaluation)
        progress = [&](std::int64_t done, std::int64_t total) {
            observer.evaluation(kind, done, total);
        };
    record(evaluator->measure(*encoder, kind, atStep, wall, &cancel, progress));
    if (observer.embedding) observer.embedding(evaluator->embedding(*encoder, kind, atStep));
}

// Waits out a pause (one-process runs: the ranks of a job cannot wait for
// each other indefinitely), then says whether the user stopped the run.
std::optional<Ending> Trainer::Impl::pauseOrStop(Loop &loop)
{
    std::unique_lock lock(mutex);
    if (pauseRequested && !stopRequested && !comm) {
        const auto t0 = Clock::now();
        lock.unlock();
        setState(RunState::Paused, "");
        releaseFreeMemory(); // see run()
        lock.lock();
        cv.wait(lock, [&] { return !pauseRequested || stopRequested; });
        loop.paused += secondsSince(t0);
        lock.unlock();
        if (!stopRequested) setState(RunState::Running, "");
        lock.lock();
    }
    if (!stopRequested) return std::nullopt;
    return Ending{Ending::Stopped, "stopped by the user at step " + std::to_string(loop.step)};
}

// The ranks end at the same step: a stop on any rank stops all, and the
// clock of the time budget (and of the schedule) is the slowest rank's.
bool Trainer::Impl::agreeToEnd(Loop &loop, bool stop)
{
    if (!comm) return stop;
    // On the run's device: NCCL reduces GPU tensors only.
    auto votes = torch::tensor({stop ? 1.0 : 0.0, loop.wall},
                               torch::TensorOptions().dtype(torch::kFloat64).device(device));
    comm->allReduceMax(votes);
    loop.wall = votes[1].item<double>();
    return votes[0].item<double>() > 0;
}

Ending Trainer::Impl::trainSteps(Loop &loop)
{
    while (true) {
        const std::optional<Ending> stopped = pauseOrStop(loop);
        loop.wall = wallBefore + secondsSince(loop.segment) - loop.paused;
        if (agreeToEnd(loop, stopped.has_value()))
            return stopped ? *stopped
                           : Ending{Ending::Stopped,
                                    "stopped on another rank at step " + std::to_string(loop.step)};
        if (loop.step >= totalSteps() || (config.minutes > 0 && loop.wall >= config.minutes * 60))
            return {};
        applyRequestedRecipe(loop);
        if (loop.step + 1 > sourceLast) startSource(loop.step + 1);
        std::optional<Batch> batch = source->next();
        if (!batch) return {};
        if (auto failed = trainStep(*batch, loop)) return *failed;
    }
}

// One optimisation step on the global batch: this rank's views through the
// encoder, features gathered from every rank, the loss of the whole batch,
// gradients summed over ranks.
std::optional<Ending> Trainer::Impl::trainStep(const Batch &batch, Loop &loop)
{
    const auto t0 = Clock::now();
    const double commBefore = comm ? comm->collectiveSeconds() : 0;
    const int next = loop.step + 1;
    const double lr = learningRate(next, loop.wall);
    for (auto &group : optimizer->param_groups())
        group.options().set_lr(lr);
    if (!fingerprints.empty()) writeFingerprint(batch);
    const std::string fingerprint = fingerprintOf(batch);

    const auto &views = batch.views; // [b, V, C, R, R]
    const int64_t b = views.size(0), v = views.size(1);
    auto x = views.reshape({b * v, views.size(2), views.size(3), views.size(4)}).to(device);
    if (device.is_cpu()) x = x.contiguous(at::MemoryFormat::ChannelsLast);
    torch::Tensor features; // [b * V, D] float32, then [B * V, D] gathered
    {
        Autocast autocast(precision, device);
        features = encoder->forward(x);
    }
    torch::Tensor labels = batch.labels.defined() ? batch.labels.to(device) : torch::Tensor();
    if (comm) {
        features = gatherWithGradient(*comm, features);
        if (labels.defined()) labels = comm->allGather(labels);
    }
    auto loss = supConLoss(features.view({-1, v, features.size(1)}), labels, config.temperature,
                           config.baseTemperature);
    if (next == injectNan) loss = loss * std::numeric_limits<float>::quiet_NaN();
    const double lossValue = loss.item<double>();
    if (!std::isfinite(lossValue))
        return Ending{Ending::Failed,
                      "the loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") +
                          " at step " + std::to_string(next) + "; training stopped" +
                          (loop.lastCheckpoint >= 0
                               ? " and the last good checkpoint (step " +
                                     std::to_string(loop.lastCheckpoint) + ") is kept"
                               : std::string(" before the first checkpoint")) +
                          ". Lower the learning rate or check the recipe, then resume."};
    optimizer->zero_grad();
    scaler.scaled(loss).backward();
    if (comm) allReduceGradients(*comm, encoder->parameters());
    // fp16: an overflowed gradient skips this step and lowers the scale.
    const bool stepped = !scaler.enabled() || scaler.unscale(encoder->parameters());
    if (stepped) optimizer->step();
    scaler.update(stepped);
    loop.step = next;
    {
        std::lock_guard lock(mutex);
        step = next;
    }
    if (comm && leader() && !commLog.empty())
        std::ofstream(commLog, std::ios::app)
            << next << ' ' << comm->collectiveSeconds() - commBefore << ' ' << secondsSince(t0)
            << '\n';
    afterStep(batch, loop, lossValue, lr, secondsSince(t0), fingerprint);
    return std::nullopt;
}

void Trainer::Impl::afterStep(const Batch &batch, Loop &loop, double loss, double lr,
                              double seconds, const std::string &fingerprint)
{
    const int s = loop.step;
    const auto &views = batch.views;
    const double imagesPerSecond =
        double(views.size(0) * views.size(1) * ranks()) / std::max(seconds, 1e-9);
    loop.rate = loop.rate == 0 ? imagesPerSecond : 0.9 * loop.rate + 0.1 * imagesPerSecond;
    loop.wall = wallBefore + secondsSince(loop.segment) - loop.paused;
    MetricRow row;
    row.step = s;
    row.loss = loss;
    row.lr = lr;
    row.imagesPerSecond = imagesPerSecond;
    row.wallSeconds = loop.wall;
    row.batchSha256 = fingerprint;
    record(row);

    if (secondsSince(loop.lastPreview) > 2.0) {
        loop.lastPreview = Clock::now();
        const auto few = views.slice(0, 0, 4);
        ImageBatch preview = toImageBatch(few.flatten(0, 1));
        std::lock_guard lock(mutex);
        latestViews = std::move(preview);
        latestColumns = int(views.size(1));
    }
    if (onlineDue(s)) {
        if (leader()) evaluateOnlineUnlessStopped(s, loop.wall);
        if (comm) comm->barrier(); // the other ranks wait for rank 0's evaluation
    }
    const bool timeDue = config.checkpointMinutes > 0 &&
                         loop.wall - loop.lastCheckpointWall >= config.checkpointMinutes * 60;
    if ((s % config.checkpointEvery == 0 || timeDue) && s < totalSteps()) {
        if (leader()) saveCheckpoint(s, loop.wall);
        loop.lastCheckpoint = s;
        loop.lastCheckpointWall = loop.wall;
    }
    if (observer.progress) {
        TrainProgress p;
        p.step = s;
        p.totalSteps = totalSteps();
        p.loss = loss;
        p.imagesPerSecond = loop.rate;
        p.elapsedSeconds = loop.wall;
        const double perStep = (loop.wall - wallBefore) / std::max(1, s - startStep);
        p.etaSeconds = perStep * (totalSteps() - s);
        if (config.minutes > 0)
            p.etaSeconds = std::min(p.etaSeconds, config.minutes * 60 - loop.wall);
        observer.progress(p);
    }
}

// Two sums per view of the global batch, one line per step on rank 0
// ("step s1 s2 ..."), so that a test can compare the batches of runs with
// different numbers of ranks.
void Trainer::Impl::writeFingerprint(const Batch &batch)
{
    // Per view: its pixel sum and its sum weighted by the column, which a flip changes.
    const auto v = batch.views.to(device, torch::kFloat64); // [b, V, C, H, W], NCCL-ready
    const auto ramp = torch::arange(v.size(4), v.options()) / v.size(4);                  // [W]
    auto sums = torch::stack({v.sum({2, 3, 4}), (v * ramp).sum({2, 3, 4})}, 2).flatten(); // [b*V*2]
    if (comm) sums = comm->allGather(sums);
    if (!leader()) return;
    std::ofstream out(fingerprints, std::ios::app);
    out << batch.step;
    out.precision(10);
    const auto values = sums.contiguous();
    for (int64_t i = 0; i < values.numel(); ++i)
        out << ' ' << values[i].item<double>();
    out << '\n';
}

// The step's batch fingerprint over every rank's share (batchFingerprint).
std::string Trainer::Impl::fingerprintOf(const Batch &batch)
{
    if (!comm) return batchFingerprint({batch.sha256});
    const auto local = torch::from_blob(const_cast<char *>(batch.sha256.data()),
                                        {int64_t(batch.sha256.size())}, torch::kUInt8)
                           .to(device, /*non_blocking=*/false, /*copy=*/true); // [64]
    const auto all = comm->allGather(local).to(torch::kCPU).contiguous();      // [ranks * 64]
    const char *text = static_cast<const char *>(all.data_ptr());
    std::vector<std::string> digests;
    for (int r = 0; r < ranks(); ++r)
        digests.emplace_back(text + r * batch.sha256.size(), batch.sha256.size());
    return batchFingerprint(digests);
}

// This process's session of the run, as provenance.jsonl records it.
RunSession Trainer::Impl::session(int fromStep) const
{
    RunSession s;
    s.build = buildDescription();
    s.command = commandLine();
    s.ranks = ranks();
    s.fromStep = fromStep;
    s.device = runDevice.name();
    s.precision = toString(precision);
    s.batchThreads = producerThreads(threads, generator.get(), device);
    s.generatorSha256 = generatorSha256;
    s.recipeSha256 = sha256OfBytes(toJson(recipe));
    if (evaluator) {
        s.dataSplits = "evaluation: " + evaluator->data().splitsText();
        s.validationPart = evaluator->data().validationPart();
        s.protocol = evaluator->protocolJson();
    }
    if (real && (!evaluator || &evaluator->data().dataset() != real.get()))
        s.dataSplits += std::string(s.dataSplits.empty() ? "" : "; ") +
                        "training: " + std::to_string(real->train.size()) + " images";
    if (real) s.trainImages = static_cast<int>(real->train.size());
    return s;
}

// After the loop: the checkpoint, the exported encoder and the final
// evaluation (rank 0), and the run's end state.
void Trainer::Impl::finish(const Ending &ending, const Loop &loop)
{
    if (ending.kind == Ending::Failed) {
        setState(RunState::Failed, ending.why);
        return;
    }
    if (leader()) {
        saveCheckpoint(loop.step, loop.wall);
        exportEncoderTorchScript(*encoder, files.encoder(),
                                 evaluator ? evaluator->protocolJson() : "");
    }
    if (ending.kind == Ending::Stopped) {
        setState(RunState::Stopped, ending.why);
        return;
    }
    if (leader()) { // every step is in the checkpoint: the pool's images are no longer needed
        if (source) source->close();
        std::error_code ec;
        std::filesystem::remove_all(files.anchorPool(), ec);
    }
    // A Stop from here on cancels the final evaluation (Cancelled, caught in
    // run()): the checkpoint and the encoder are saved, and resuming the run
    // evaluates it.
    if (leader()) { // the final protocol: full real splits
        evaluateAndRecord("final", loop.step, loop.wall);
    }
    setState(RunState::Finished, "");
}

// A recipe for this run: the run's generator (a recipe names its generator
// by SHA-256), so the run's image shape, and positive pairs.
void Trainer::Impl::checkRecipeChange(const ViewRecipe &r, const std::string &what) const
{
    if (generator && !r.generator.sha256.empty() && r.generator.sha256 != generatorSha256)
        throw Error(what + " was made for the generator " + r.generator.file + " (SHA-256 " +
                    r.generator.sha256.substr(0, 12) + "...), but the run trains on " +
                    config.generator + " (" + generatorSha256.substr(0, 12) +
                    "...); a recipe change keeps the run's generator and image shape, so start "
                    "a new run for another generator");
    batchShape(config, r, generator.get(), real.get(), what);
}

void Trainer::Impl::useRecipeVersion(const RecipeVersion &v)
{
    const BatchShape s = batchShape(config, v.recipe, generator.get(), real.get(),
                                    "recipe version " + std::to_string(v.version));
    std::lock_guard lock(mutex);
    recipe = v.recipe;
    shape.viewsPerAnchor = s.viewsPerAnchor;
    shape.labels = s.labels;
}

// `r` from step `from` on, replacing the versions that started there or
// later; every rank makes the same version, rank 0 alone writes it.
void Trainer::Impl::addRecipeVersion(const ViewRecipe &r, int from, const std::string &how)
{
    RecipeVersion v = leader() ? recordRecipeVersion(files.dir, r, from, how) : RecipeVersion{};
    while (recipes.size() > 1 && recipes.back().fromStep >= from)
        recipes.pop_back();
    if (!leader()) v = {recipes.back().version + 1, from, sha256OfBytes(toJson(r)), how, r};
    recipes.push_back(std::move(v));
}

// A recipe applied by changeRecipe() holds from the next step: recorded as
// a version, and the batches already made with the old one are dropped.
void Trainer::Impl::applyRequestedRecipe(const Loop &loop)
{
    std::optional<ViewRecipe> r;
    {
        std::lock_guard lock(mutex);
        r.swap(requestedRecipe);
    }
    if (!r) return;
    addRecipeVersion(*r, loop.step + 1, "studio");
    sourceLast = 0; // startSource() follows
}

// Makes steps first.. until the next recipe version (or the budget) with the
// version in force at `first`, on the batch thread.
void Trainer::Impl::startSource(int first)
{
    if (source) source->close();
    const RecipeVersion &v = recipeAt(recipes, first);
    useRecipeVersion(v);
    if (v.fromStep == first && v.version > 1 && observer.recipeChanged) observer.recipeChanged(v);
    sourceLast = totalSteps();
    for (const RecipeVersion &later : recipes)
        if (later.fromStep > first) sourceLast = std::min(sourceLast, later.fromStep - 1);
    BatchSource::Setup setup = BatchSource::forRun(config, recipe, generator.get(), real, shape,
                                                   parallel.env.rank, ranks(), device);
    if (leader()) setup.poolCache = files.anchorPool(); // other ranks never touch the folder
    source = std::make_unique<BatchSource>(std::move(setup));
    source->start(first, sourceLast, producerThreads(threads, generator.get(), device));
}

void Trainer::Impl::run()
{
    try {
        setState(RunState::Running, "");
        // The markers of versions that began in earlier sessions.
        for (const RecipeVersion &v : recipes)
            if (v.version > 1 && v.fromStep <= startStep && observer.recipeChanged)
                observer.recipeChanged(v);
        if (onlineMissingAtStart()) { // stopped during it
            setThreadTorchThreads(threads);
            if (leader()) evaluateOnlineUnlessStopped(startStep, wallBefore);
            if (comm) comm->barrier();
        }
        startSource(startStep + 1);
        setThreadTorchThreads(threads);
        encoder->train();
        Loop loop;
        loop.step = startStep;
        loop.wall = wallBefore;
        loop.lastCheckpointWall = wallBefore;
        loop.lastCheckpoint = std::filesystem::exists(files.checkpoint()) ? startStep : -1;
        const Ending ending = trainSteps(loop);
        {
            std::lock_guard lock(mutex);
            stepsEnded = true;
        }
        source->close();
        setThreadTorchThreads(threads); // evaluation has the cores to itself
        finish(ending, loop);
    } catch (const Cancelled &) {
        if (source) source->close();
        setState(RunState::Stopped, "stopped by the user at step " + std::to_string(step) +
                                        " (before the final evaluation finished)");
    } catch (const std::exception &e) {
        if (source) source->close();
        if (leader() && runFolderGone(files))
            setState(RunState::Failed, "the run folder " + files.dir +
                                           " was deleted or moved while training; training "
                                           "stopped at step " +
                                           std::to_string(step) + " (" + e.what() + ")");
        else
            setState(RunState::Failed, e.what());
    }
    // Training keeps the blocks it frees (configureRuntime), so the next
    // step and the next online evaluation reuse them; they go back to the
    // system when the run pauses or ends. Returned after every evaluation,
    // the next steps faulted them in again, and those faults hold the
    // memory-map lock that the UI thread's own faults wait on: the soak's
    // 50-90 ms stalls came at the evaluations (run eight, docs/soak.md).
    releaseFreeMemory();
}

namespace {

// An Impl set up from a run folder without touching its files.
std::unique_ptr<Trainer::Impl> inspect(const std::string &runDir,
                                       const DataLoadProgress &loading = {},
                                       const ParallelOptions &parallel = {})
{
    auto impl = std::make_unique<Trainer::Impl>();
    impl->files = RunFiles{runDir};
    impl->loading = loading;
    impl->parallel = parallel;
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
                                         const ViewRecipe &recipe, const DataLoadProgress &loading,
                                         const ParallelOptions &parallel)
{
    auto impl = std::make_unique<Impl>();
    impl->files = RunFiles{runDir};
    impl->loading = loading;
    impl->parallel = parallel;
    impl->config = withAbsolutePaths(config);
    impl->recipe = recipe;
    // Rank 0 alone owns the folder; the other ranks never touch it.
    const auto refuseARun = [&] {
        if (holdsRun(runDir))
            throw Error("run folder " + runDir +
                        " already holds a run; resume it or choose another folder");
    };
    if (impl->leader()) refuseARun();
    impl->prepare();
    impl->recipes = {RecipeVersion{1, 1, sha256OfBytes(toJson(recipe)), "created", recipe}};
    if (!impl->leader()) {
        impl->connect();
        return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
    }
    std::error_code ec;
    std::filesystem::create_directories(runDir, ec);
    if (ec) throw Error("cannot create run folder " + runDir + ": " + ec.message());
    impl->lock = RunLock::acquire(runDir);
    refuseARun(); // again: another process may have created one while this one prepared
    // What a creation killed before its status.json left (holdsRun).
    std::filesystem::remove(runDir + "/provenance.jsonl", ec);
    impl->writeSkipped();
    writeTrainConfig(impl->config, impl->files.config());
    writeRecipe(recipe, impl->files.recipe());
    std::filesystem::remove(recipeVersionsFile(runDir), ec); // versions belong to one run
    std::filesystem::remove_all(impl->files.anchorPool(), ec);
    appendRunSession(runDir, impl->session(0));
    rewriteMetrics(impl->files, {});
    impl->writeStatus(RunState::Created, 0, "");
    try {
        impl->connect();
    } catch (const Error &e) {
        impl->writeStatus(RunState::Failed, 0, e.what()); // the folder says why it never trained
        throw;
    }
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

std::unique_ptr<Trainer> Trainer::open(const std::string &runDir, const DataLoadProgress &loading,
                                       const ParallelOptions &parallel, const ViewRecipe *newRecipe)
{
    const bool holdsConfig = std::filesystem::exists(RunFiles{runDir}.config());
    if (holdsConfig) readRunSummary(runDir); // every file the Runs tab reads, same messages
    // Before the data load: a run another process trains is refused at once
    // (a folder without a run gets inspect's message).
    RunLock lock = parallel.env.rank == 0 && holdsConfig ? RunLock::acquire(runDir) : RunLock();
    auto impl = inspect(runDir, loading, parallel);
    if (impl->leader()) {
        impl->lock = std::move(lock);
        removeStaleTemporaries(runDir); // a killed writer's leftovers
    }
    const RunStatus status = readRunStatus(runDir);
    if (status.state == RunState::Finished)
        throw Error("run " + runDir + " already finished at step " + std::to_string(status.step) +
                    "; there is nothing to resume");
    if (impl->leader()) impl->writeSkipped();
    if (std::filesystem::exists(impl->files.checkpoint())) impl->loadCheckpoint();
    impl->recipes = readRecipeVersions(runDir);
    if (newRecipe) {
        impl->checkRecipeChange(*newRecipe, "recipe \"" + newRecipe->name + "\"");
        const int from = impl->startStep + 1;
        impl->addRecipeVersion(*newRecipe, from, "resume");
    }
    impl->recipe = recipeAt(impl->recipes, impl->startStep + 1).recipe; // for the session record
    if (impl->leader()) {
        appendRunSession(runDir, impl->session(impl->startStep));
        // Drop what was logged after the checkpoint: the resumed run logs it again.
        for (const MetricRow &r : readMetrics(runDir))
            if (r.step <= impl->startStep && r.kind != "final") impl->metrics.push_back(r);
        rewriteMetrics(impl->files, impl->metrics);
    }
    impl->step = impl->startStep;
    impl->connect();
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
        enterBackgroundThread("latent-train");
        // CUDA's current device is per thread, GPU 0 in a new one: NCCL's
        // barrier and anything made without a device must use this rank's.
        c10::OptionalDeviceGuard onDevice;
        if (d->device.is_cuda()) onDevice.reset_device(d->device);
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

std::vector<std::string> Trainer::skippedImages() const
{
    return d->skipped;
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
ViewRecipe Trainer::recipe() const
{
    std::lock_guard lock(d->mutex);
    return d->recipe;
}

void Trainer::changeRecipe(const ViewRecipe &recipe)
{
    if (d->comm)
        throw Error("a run of several processes changes its recipe when it resumes: stop it, "
                    "then resume it with the new recipe (latent-cli train --resume " +
                    d->files.dir + " --recipe NEW.json)");
    const RunState now = state();
    if (now == RunState::Finished || now == RunState::Failed || now == RunState::Stopped)
        throw Error("the run " + d->files.dir + " has ended (" + toString(now) +
                    "); a recipe can be applied to a running or paused run");
    d->checkRecipeChange(recipe, "recipe \"" + recipe.name + "\"");
    std::lock_guard lock(d->mutex);
    if (d->stopRequested || d->stepsEnded)
        throw Error("the run " + d->files.dir +
                    (d->stopRequested ? " is stopping" : " has trained its last step") +
                    "; a recipe applies to the steps of a running or paused run");
    d->requestedRecipe = recipe;
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
    return d->evaluator ? d->evaluator->data().dataset().classNames : std::vector<std::string>{};
}

int Trainer::latestViewColumns() const
{
    std::lock_guard lock(d->mutex);
    return d->latestColumns;
}

Floors computeFloors(const std::string &runDir)
{
    const auto impl = inspect(runDir); // a fresh encoder: the run's own initialisation
    return impl->evaluator->floors(*impl->encoder, impl->files.floors());
}

MetricRow evaluateCheckpoint(const std::string &runDir)
{
    const auto impl = inspect(runDir);
    if (!std::filesystem::exists(impl->files.checkpoint()))
        throw Error("run " + runDir + " has no checkpoint.pt yet; nothing to evaluate");
    impl->loadCheckpoint();
    return impl->evaluator->measure(*impl->encoder, "final", impl->startStep, impl->wallBefore);
}

ProbeL2Choice chooseProbeL2(const std::string &runDir, const std::vector<double> &grid,
                            const std::atomic<bool> *cancel, const EncodeProgress &progress)
{
    if (!std::filesystem::exists(RunFiles{runDir}.checkpoint()))
        throw Error("run " + runDir + " has no checkpoint.pt yet; nothing to probe");
    // Reading the data stops when cancelled, as encoding does.
    const auto impl = inspect(runDir, [cancel](const std::string &, std::int64_t, std::int64_t) {
        return !(cancel && cancel->load());
    });
    impl->loadCheckpoint();
    return chooseProbeL2(*impl->encoder, impl->evaluator->data(), grid, cancel, progress);
}

} // namespace latent
