// SPDX-License-Identifier: MIT
#pragma once
// Contrastive training runs: views made on the fly on a prefetch thread,
// SimCLR / SupCon steps on a training thread, online and final evaluation
// on real data, a run folder with metrics and atomic checkpoints.

#include "dist/distributed.h"
#include "eval/evaluation.h"
#include "generators/generator.h"
#include "train/runfolder.h"
#include "train/trainconfig.h"
#include "views/recipeversions.h"
#include "views/viewrecipe.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace latent {

struct TrainProgress
{
    int step = 0;
    int totalSteps = 0;
    double loss = MetricRow::kNone;
    double imagesPerSecond = 0;
    double elapsedSeconds = 0;
    double etaSeconds = 0;
};

// Real test images placed by a 2-D PCA of their encoder features, at each
// evaluation, for a scatter coloured by class.
struct EmbeddingSnapshot
{
    int step = 0;
    std::string kind; // online or final
    std::vector<float> x, y;
    std::vector<int> labels;
    ImageBatch images; // the points' images, same order
};

// Called on the training thread; must return quickly (queue the data to
// another thread, never wait on one).
struct TrainObserver
{
    std::function<void(const MetricRow &)> metric;
    std::function<void(const TrainProgress &)> progress;
    std::function<void(RunState, const std::string &message)> state;
    std::function<void(const EmbeddingSnapshot &)> embedding; // optional
    // Images encoded so far by an evaluation (kind online or final); optional.
    std::function<void(const std::string &kind, std::int64_t done, std::int64_t total)> evaluation;
    // A recipe version in force from a step after the first: those of
    // earlier sessions when the run starts, then each change as it takes
    // effect; optional.
    std::function<void(const RecipeVersion &)> recipeChanged;
};

// Images of `source` decoded so far while a run opens its datasets;
// returning false cancels the opening (Cancelled).
using DataLoadProgress =
    std::function<bool(const std::string &source, std::int64_t done, std::int64_t total)>;

// A data-parallel job's rank (from readDistributedEnv) and how long ranks
// wait for each other; the default is one process.
struct ParallelOptions
{
    DistributedEnv env;
    DistributedTimeouts timeouts;
    // This process's intra-op threads, before the config's: a rank's share
    // of its machine's cores, or the CLI's explicit --threads on a resume
    // (0: the config's, else every core).
    int threads = 0;
    // Polled while rank 0 waits for the other ranks to join: true gives up
    // (a launcher saw a rank fail before it joined).
    std::function<bool()> cancelled;
};

class Trainer
{
public:
    // A new run in `runDir` (created; it must not already hold a run).
    // Throws Error when the config, recipe, generator or data cannot work.
    // In a data-parallel job every rank calls this with the same config;
    // rank 0 alone writes the run folder and evaluates, each rank trains on
    // its share of every global batch, and all ranks end at the same step.
    static std::unique_ptr<Trainer> create(const std::string &runDir, const TrainConfig &config,
                                           const ViewRecipe &recipe,
                                           const DataLoadProgress &loading = {},
                                           const ParallelOptions &parallel = {});
    // Continues the run in `runDir` from its last checkpoint (or from the
    // start when it has none yet). Metrics after the checkpoint are dropped.
    // Any number of ranks can resume a checkpoint written by any other.
    // `newRecipe`, when given, is the run's recipe from the resumed step on
    // (a new recipe version; refused when it needs another generator or
    // image shape). Every rank of a job passes the same one.
    static std::unique_ptr<Trainer> open(const std::string &runDir,
                                         const DataLoadProgress &loading = {},
                                         const ParallelOptions &parallel = {},
                                         const ViewRecipe *newRecipe = nullptr);
    ~Trainer(); // stops and joins

    void setObserver(TrainObserver observer); // before start()
    // Fault injection for tests: the loss of this step becomes NaN.
    void injectNanAtStep(int step);

    // Non-blocking controls; the training thread acts on them between steps
    // (stop takes effect within one step and writes a checkpoint).
    void start();
    void pause(); // ignored in a data-parallel job (ranks cannot wait for each other forever)
    void resume();
    void stop();
    void wait(); // until the thread ends
    // The recipe of the run from the next step on (paused or running); the
    // change is recorded in the run folder as a new recipe version when it
    // takes effect. Throws Error, changing nothing, when the recipe needs
    // another generator or image shape, cannot make positive pairs, or the
    // run is a job of several processes (those change recipes on resume).
    void changeRecipe(const ViewRecipe &recipe);

    RunState state() const;
    std::string message() const; // the stop or failure reason
    int step() const;
    // "DATASET: FILE: why" for each unreadable image its datasets left out
    // (skip_unreadable); also in skipped.txt of the run folder.
    std::vector<std::string> skippedImages() const;
    const TrainConfig &config() const;
    ViewRecipe recipe() const; // the recipe in force
    const RunFiles &files() const;
    std::vector<MetricRow> metrics() const; // snapshot, thread-safe
    // Class names of the evaluation data, for legends (numbers when unknown).
    std::vector<std::string> classNames() const;
    // A few anchors of the latest batch with their views, as images: one row
    // per anchor, views side by side; empty before the first batch.
    ImageBatch latestViews() const;
    int latestViewColumns() const;

    struct Impl;

private:
    explicit Trainer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

// The floors measured with the final protocol: a random-init encoder of the
// run's architecture (initialised with the run's seed) and raw pixels, on
// test and on validation. Cached in floors.json.
struct Floors
{
    double randomProbe = 0, randomKnn = 0, pixelProbe = 0, pixelKnn = 0;
    double randomValProbe = 0, randomValKnn = 0, pixelValProbe = 0, pixelValKnn = 0;
    // The random-init encoder's probe on globally pooled features: far below
    // a trained encoder's (the 2x2 grid keeps a layout a linear probe can use
    // even from random filters, the global average does not).
    double randomProbeGlobal = 0, randomValProbeGlobal = 0;
};
Floors computeFloors(const std::string &runDir);
// The final protocol on the run's checkpoint (for runs stopped before the end).
MetricRow evaluateCheckpoint(const std::string &runDir);
// The probe's L2 penalty chosen on the run's validation part, on its
// checkpoint's encoder (eval/evaluation.h chooseProbeL2).
ProbeL2Choice chooseProbeL2(const std::string &runDir, const std::vector<double> &grid,
                            const std::atomic<bool> *cancel = nullptr,
                            const EncodeProgress &progress = {});

} // namespace latent
