// SPDX-License-Identifier: MIT
#include "traincommands.h"

#include "cliutil.h"

#include "error.h"
#include "generators/generator.h"
#include "generators/generatorinfo.h"
#include "paths.h"
#include "runtime.h"
#include "train/runsummary.h"
#include "train/trainer.h"
#include "views/viewrecipe.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>

namespace {

// One status line, redrawn in place on a terminal, else printed every 5%.
class ProgressPrinter
{
public:
    void operator()(const latent::TrainProgress &p)
    {
        const bool tty = ::isatty(STDERR_FILENO);
        const int every = std::max(1, p.totalSteps / 20);
        const auto now = std::chrono::steady_clock::now();
        // In a log, every 5% of the steps or every 30 s (a time budget's steps are unbounded).
        if (tty ? now - m_last < std::chrono::milliseconds(200) && p.step < p.totalSteps
                : p.step % every != 0 && p.step != p.totalSteps &&
                      now - m_last < std::chrono::seconds(30))
            return;
        m_last = now;
        const int width = 24, filled = width * p.step / std::max(1, p.totalSteps);
        char line[256];
        std::snprintf(line, sizeof line, "step %d/%d [%s%s] loss %.4f  %.0f img/s  ETA %s", p.step,
                      p.totalSteps, std::string(filled, '=').c_str(),
                      std::string(width - filled, ' ').c_str(), p.loss, p.imagesPerSecond,
                      cli::formatDuration(p.etaSeconds).c_str());
        std::lock_guard lock(m_mutex);
        std::cerr << (tty ? "\r" : "") << line << (tty ? "" : "\n") << std::flush;
    }
    void metric(const latent::MetricRow &r)
    {
        if (r.kind == "train") return;
        std::lock_guard lock(m_mutex);
        std::cerr << (::isatty(STDERR_FILENO) ? "\n" : "") << r.kind << " evaluation at step "
                  << r.step << ": " << latent::describeEvaluation(r) << "\n";
    }

private:
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_last;
};

void printSummary(const latent::Trainer &t)
{
    const auto rows = t.metrics();
    double loss = NAN, wall = 0;
    const latent::MetricRow *online = nullptr, *final = nullptr;
    for (const auto &r : rows) {
        if (r.kind == "train") loss = r.loss;
        if (r.kind == "online") online = &r;
        if (r.kind == "final") final = &r;
        wall = std::max(wall, r.wallSeconds);
    }
    std::cout << "\nrun:       " << t.files().dir << "\n"
              << "state:     " << latent::toString(t.state()) << " at step " << t.step() << " of "
              << t.config().steps << " (" << cli::formatDuration(wall) << " of training)\n";
    if (!t.message().empty()) std::cout << "message:   " << t.message() << "\n";
    if (!std::isnan(loss)) std::cout << "last loss: " << loss << "\n";
    if (online)
        std::cout << "online:    " << latent::describeEvaluation(*online) << " (step "
                  << online->step << ")\n";
    if (final) std::cout << "final:     " << latent::describeEvaluation(*final) << "\n";
    std::cout << "files:     " << t.files().metricsCsv() << ", " << t.files().checkpoint() << ", "
              << t.files().encoder() << "\n";
    if (t.state() == latent::RunState::Stopped)
        std::cout << "resume:    latent-cli train --resume " << t.files().dir << "\n";
}

// Dataset decoding while a run opens.
latent::DataLoadProgress loadingPrinter(cli::CountProgress &counter)
{
    return [&counter](const std::string &source, std::int64_t done, std::int64_t total) {
        counter("reading " + source, done, total);
        return true;
    };
}

// Trains to the end; in a data-parallel job only rank 0 reports progress.
int train(latent::Trainer &trainer, const latent::ParallelOptions &parallel)
{
    const bool leader = parallel.env.rank == 0;
    const std::vector<std::string> skipped = trainer.skippedImages();
    if (leader && !skipped.empty())
        std::cerr << skipped.size()
                  << " unreadable image(s) left out (skip_unreadable), listed in "
                     "skipped.txt of the run folder; the first: "
                  << skipped.front() << "\n";
    ProgressPrinter printer;
    cli::CountProgress counter;
    latent::TrainObserver observer;
    if (leader) {
        observer.metric = [&](const latent::MetricRow &r) { printer.metric(r); };
        observer.progress = [&](const latent::TrainProgress &p) { printer(p); };
        observer.recipeChanged = [](const latent::RecipeVersion &v) {
            std::cerr << "\nrecipe " << latent::describeRecipeVersion(v) << "\n";
        };
    }
    // The final evaluation encodes every real image: show it (online ones are subsets).
    observer.evaluation = [&](const std::string &kind, std::int64_t done, std::int64_t total) {
        if (kind == "final") counter("final evaluation", done, total);
    };
    trainer.setObserver(observer);
    // Ctrl+C stops between steps and keeps a checkpoint to resume from.
    cli::trainUntilDone(trainer);
    if (leader)
        printSummary(trainer);
    else
        std::cerr << latent::toString(trainer.state()) << " at step " << trainer.step() << "\n";
    if (trainer.state() == latent::RunState::Failed) {
        std::cerr << "latent-cli: error: " << trainer.message() << "\n";
        if (parallel.env.distributed()) {
            // A peer that hung (rather than died) keeps a Gloo worker thread
            // inside its collective until the group's setup timeout (an hour):
            // destroying the group would wait that long, holding the job's
            // nodes. The run's files are complete (atomic writes); leave now.
            std::cout.flush();
            std::cerr.flush();
            std::_Exit(1);
        }
        return 1;
    }
    // Stopped by a signal (or, in a job, by another rank's): resumable, but
    // not done, so that `train ... && next-step` does not go on.
    return trainer.state() == latent::RunState::Stopped ? cli::kInterruptedExitCode : 0;
}

// What --config and --resume take from the run's own config: refused beside them.
// clang-format off
const char *const kConfigOptions[] = {
    "--generator", "--real",   "--eval",      "--skip-unreadable", "--steps",
    "--minutes",   "--batch",  "--encoder",   "--resolution",      "--width",
    "--optimizer", "--lr",     "--warmup",    "--weight-decay",    "--temperature",
    "--seed",      "--device", "--precision", "--probe-every",     "--checkpoint-every",
    "--checkpoint-minutes"};
// clang-format on

void refuseBeside(const CLI::App &command, const char *option,
                  const std::vector<const char *> &others, const std::string &why)
{
    for (const char *other : others)
        if (command.count(other) > 0)
            throw latent::Error(std::string("train: ") + other + " cannot be combined with " +
                                option + " (" + why + ")");
}

// The default recipe for a generator, naming it and its SHA-256.
latent::ViewRecipe defaultRecipe(const std::string &generatorPath)
{
    latent::ViewRecipe r = latent::defaultRecipeFor(latent::readSidecar(
        std::filesystem::path(generatorPath).replace_extension(".json").string()));
    r.name = "default";
    r.generator = {std::filesystem::path(generatorPath).filename().string(),
                   latent::sha256OfFile(generatorPath)};
    return r;
}

// The probe's L2 penalty chosen on validation (the reports fix it at kProbeL2).
void chooseL2(const std::string &dir, const std::vector<double> &grid)
{
    cli::CountProgress progress;
    const latent::ProbeL2Choice c =
        latent::chooseProbeL2(dir, grid, nullptr, [&](std::int64_t done, std::int64_t total) {
            progress("encoding", done, total);
        });
    std::cout << latent::describeProbeL2Choice(c) << "\n";
}

int probe(const std::string &target, bool floors, bool choose, const std::vector<double> &grid)
{
    namespace fs = std::filesystem;
    const std::string dir =
        fs::is_regular_file(target) ? fs::path(target).parent_path().string() : target;
    const auto rows = latent::readMetrics(dir);
    const latent::MetricRow *online = nullptr, *final = nullptr;
    for (const auto &r : rows) {
        if (r.kind == "online") online = &r;
        if (r.kind == "final") final = &r;
    }
    std::cout << "run: " << dir << "\n";
    if (online)
        std::cout << "online  step " << online->step << ": " << latent::describeEvaluation(*online)
                  << "\n";
    latent::MetricRow computed;
    if (!final) {
        std::cerr << "no final evaluation in the run; evaluating its checkpoint...\n";
        computed = latent::evaluateCheckpoint(dir);
        final = &computed;
    }
    std::cout << "final   step " << final->step << ": " << latent::describeEvaluation(*final)
              << "\n";
    if (floors) {
        const latent::Floors f = latent::computeFloors(dir);
        std::cout << "floor random-init encoder: linear probe " << cli::formatPercent(f.randomProbe)
                  << " (global pool " << cli::formatPercent(f.randomProbeGlobal) << "), kNN "
                  << cli::formatPercent(f.randomKnn) << "\n"
                  << "floor raw pixels:          linear probe " << cli::formatPercent(f.pixelProbe)
                  << ", kNN " << cli::formatPercent(f.pixelKnn) << "\n";
    }
    if (choose) chooseL2(dir, grid);
    return 0;
}

} // namespace

void TrainCommands::add(CLI::App &app)
{
    train = app.add_subcommand(
        "train",
        "train a contrastive encoder on a recipe's views (or real data) into a run folder");
    auto &c = config;
    train->add_option("--recipe", recipe,
                      "view recipe (.json); default: the default recipe. With --resume: the "
                      "run's recipe from the resumed step on (same generator and image shape)");
    train->add_option("--generator", generator,
                      "generator instead of the recipe's: a .pt file, 'default' or a shipped name");
    train->add_option("--real", real,
                      "train on real images instead: fashion-mnist, a folder (class folders of "
                      "images, CIFAR-10/100 batches or IDX files) or FORMAT:PATH");
    train->add_option("--eval", eval,
                      "real data for the probe and kNN: a folder or FORMAT:PATH (see latent-cli "
                      "data); default: --real's data, else the generator's real_data, else "
                      "fashion-mnist");
    train->add_flag("--skip-unreadable", c.skipUnreadable,
                    "leave images that cannot be decoded out of the datasets (listed)");
    train->add_option("--out", out, "new run folder");
    train->add_option("--resume", resume, "continue the run in this folder from its checkpoint")
        ->excludes("--out")
        ->excludes("--real")
        ->excludes("--eval")
        ->excludes("--skip-unreadable")
        ->excludes("--generator");
    train->add_option("--steps", c.steps, "step budget (with --minutes: whichever ends first)")
        ->check(CLI::Range(1, 100000000))
        ->capture_default_str();
    train
        ->add_option("--minutes", c.minutes,
                     "time budget (0: none); alone, the run trains for this long whatever the "
                     "steps")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    train->add_option("--batch", c.batch, "anchors per step")
        ->check(CLI::Range(2, 65536))
        ->capture_default_str();
    train->add_option("--encoder", c.encoder, "small, resnet18 or resnet50")
        ->check(CLI::IsMember(latent::encoderPresetNames()))
        ->capture_default_str();
    train
        ->add_option("--resolution", c.resolution,
                     "encoder input side in pixels; views and real images are resized to it "
                     "(0: the generator's)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    train->add_option("--width", c.width, "first-stage width (0: the preset's)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    train->add_option("--optimizer", c.optimizer, "sgd or adam")
        ->check(CLI::IsMember({"sgd", "adam"}))
        ->capture_default_str();
    train->add_option("--lr", c.lr, "peak learning rate")
        ->check(CLI::Range(1e-7, 100.0))
        ->capture_default_str();
    train->add_option("--warmup", c.warmupSteps, "linear warm-up steps")
        ->check(CLI::Range(0, 100000000))
        ->capture_default_str();
    train->add_option("--weight-decay", c.weightDecay)
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    train->add_option("--temperature", c.temperature)
        ->check(CLI::Range(1e-3, 100.0))
        ->capture_default_str();
    train->add_option("--seed", c.seed)
        ->check(CLI::Range(0.0, 9007199254740992.0)) // 2^53: exact in config.json
        ->capture_default_str();
    cli::addDeviceOptions(*train, c.device, c.precision);
    train->add_option("--probe-every", c.probeEvery, "online evaluation every N steps (0: never)")
        ->check(CLI::Range(0, 100000000))
        ->capture_default_str();
    train->add_option("--checkpoint-every", c.checkpointEvery, "checkpoint every N steps")
        ->check(CLI::Range(1, 100000000))
        ->capture_default_str();
    train
        ->add_option("--checkpoint-minutes", c.checkpointMinutes,
                     "also checkpoint after this many training minutes since the last one (0: "
                     "steps only): a killed slow run loses at most that")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    train
        ->add_option("--dist-timeout", distTimeout,
                     "data-parallel jobs: seconds a rank waits for the others in a step before "
                     "it stops with an error (a rank died or hung)")
        ->check(CLI::Range(5, 86400))
        ->capture_default_str();
    train->add_option("--config", configFile,
                      "a training config (config.json of a run, or a cluster job's) instead of "
                      "the options above");
    auto *job = train->add_option(
        "--cluster-job", clusterJob,
        "write a Slurm batch script and a torchrun command for this run to this folder, with "
        "its config and recipe, instead of training (--out: the run folder on shared storage)");
    train->add_option("--nodes", cluster.nodes, "cluster job: machines")
        ->check(CLI::Range(1, 4096))
        ->needs(job)
        ->capture_default_str();
    train
        ->add_option("--gpus-per-node", cluster.ranksPerNode,
                     "cluster job: GPUs per machine, one rank each (processes with --device cpu)")
        ->check(CLI::Range(1, 64))
        ->needs(job)
        ->capture_default_str();
    train->add_option("--cpus-per-rank", cluster.cpusPerRank, "cluster job: CPU cores per rank")
        ->check(CLI::Range(1, 1024))
        ->needs(job)
        ->capture_default_str();
    train->add_option("--partition", cluster.partition, "cluster job: Slurm partition")->needs(job);
    train->add_option("--time", cluster.time, "cluster job: Slurm time limit")
        ->needs(job)
        ->capture_default_str();
    train->add_option("--cli-path", cluster.cli, "cluster job: latent-cli on the nodes")
        ->needs(job)
        ->capture_default_str();
    train->add_flag("--accept-generator-mismatch", acceptMismatch,
                    "use a generator whose SHA-256 differs from the recipe's");

    probe = app.add_subcommand("probe", "print a run's linear-probe and kNN accuracy");
    probe->add_option("run", probeTarget, "run folder, or its checkpoint.pt")->required();
    probe->add_flag("--floors", floors, "also the random-init encoder and raw-pixel floors");
    probe->add_flag("--choose-l2", chooseL2,
                    "also choose the linear probe's L2 penalty on validation (the reports fix "
                    "it): validation per penalty, test at the chosen one and at the fixed one");
    probe->add_option("--l2-grid", l2Grid, "the penalties --choose-l2 tries")
        ->check(CLI::NonNegativeNumber)
        ->needs("--choose-l2")
        ->capture_default_str();
}

int TrainCommands::run(const std::string &exeDir, int threads)
{
    if (*probe) return ::probe(probeTarget, floors, chooseL2, l2Grid);
    if (!*train) return -1;
    // A rank of a data-parallel job when a launcher set the environment.
    latent::ParallelOptions parallel;
    parallel.env = latent::readDistributedEnv();
    parallel.timeouts.step = std::chrono::seconds(distTimeout);
    parallel.threads = threads; // an explicit --threads beats a resumed run's saved one
    const bool leader = parallel.env.rank == 0;
    if (parallel.env.distributed()) {
        // The machine's cores are shared by its ranks (the run's config keeps
        // what was asked, so a resume with other ranks divides them anew).
        const int rankThreads =
            threads > 0 ? threads
                        : std::max(1, latent::defaultThreads() / parallel.env.localWorldSize);
        latent::configureRuntime(rankThreads);
        parallel.threads = rankThreads;
        std::cerr << parallel.env.describe() << ", " << rankThreads << " threads\n";
    }
    if (!resume.empty()) {
        std::vector<const char *> others(std::begin(kConfigOptions), std::end(kConfigOptions));
        others.insert(others.end(), {"--config", "--cluster-job", "--accept-generator-mismatch"});
        refuseBeside(*train, "--resume", others,
                     "a resumed run keeps its config.json; only --recipe, --dist-timeout and the "
                     "global --threads apply");
        cli::CountProgress counter;
        std::optional<latent::ViewRecipe> newRecipe;
        if (!recipe.empty()) newRecipe = latent::readRecipe(recipe);
        auto trainer = latent::Trainer::open(resume, loadingPrinter(counter), parallel,
                                             newRecipe ? &*newRecipe : nullptr);
        if (leader) std::cerr << "resuming " << resume << " at step " << trainer->step() << "\n";
        if (leader && newRecipe)
            std::cerr << "recipe " << recipe << " holds from step " << trainer->step() + 1
                      << " on (a new recipe version in " << latent::recipeVersionsFile(resume)
                      << ")\n";
        return ::train(*trainer, parallel);
    }
    if (out.empty())
        throw latent::Error("train: give --out for a new run or --resume for an old one");
    if (!configFile.empty()) {
        // The file is the whole config: options that would change it are refused.
        refuseBeside(*train, "--config", {std::begin(kConfigOptions), std::end(kConfigOptions)},
                     "edit the config instead");
        config = latent::readTrainConfig(configFile);
        latent::ViewRecipe r;
        const bool generated = config.data == "generator" && !config.generator.empty();
        if (!recipe.empty()) {
            r = latent::readRecipe(recipe);
            std::string warning;
            if (generated)
                config.generator = latent::recipeGeneratorPath(r, recipe, config.generator, exeDir,
                                                               acceptMismatch, &warning);
            if (!warning.empty()) std::cerr << "latent-cli: warning: " << warning << "\n";
        } else if (generated) {
            r = defaultRecipe(config.generator); // as a new run with this generator gets
        }
        return startRun(r, parallel);
    }
    config.threads = threads;
    // --minutes alone is a time budget (not cut at the default step count);
    // with --steps, whichever ends first.
    // (--minutes 0 is "no time budget": the default steps then.)
    if (train->count("--minutes") > 0 && train->count("--steps") == 0 && config.minutes > 0)
        latent::setBudget(config, 0, config.minutes);
    if (!eval.empty()) config.evalData = eval;
    latent::ViewRecipe r;
    if (!recipe.empty()) {
        r = latent::readRecipe(recipe);
        std::string warning;
        config.generator =
            latent::recipeGeneratorPath(r, recipe, generator, exeDir, acceptMismatch, &warning);
        if (!warning.empty()) std::cerr << "latent-cli: warning: " << warning << "\n";
    } else {
        config.generator = latent::resolveGeneratorArgument(
            generator.empty() ? std::string("default") : generator, exeDir);
        r = defaultRecipe(config.generator);
    }
    if (!real.empty()) {
        config.data = "real";
        config.realData = real;
        // Real images need no generator unless one was asked for.
        if (generator.empty() && recipe.empty()) config.generator.clear();
        // Probed on the data it trains on unless told otherwise.
        if (eval.empty()) {
            config.evalData = real;
            std::cerr << "evaluating on " << real << " (the training data)\n";
        }
    }
    // A generator whose sidecar names its matching real data is probed on it by default.
    if (eval.empty() && real.empty() && !config.generator.empty() &&
        std::filesystem::exists(latent::sidecarPathFor(config.generator))) {
        const auto info = latent::readSidecar(latent::sidecarPathFor(config.generator));
        if (!info.realData.empty()) {
            config.evalData = info.realData;
            std::cerr << "evaluating on " << info.realData << " (the generator's real_data)\n";
        }
    }
    // The run folder records an absolute path so that resuming works from anywhere.
    if (!config.generator.empty())
        config.generator = std::filesystem::absolute(config.generator).string();
    return startRun(r, parallel);
}

// A new run, or its cluster job when one was asked for.
int TrainCommands::startRun(const latent::ViewRecipe &r,
                            const latent::ParallelOptions &parallel) const
{
    if (!clusterJob.empty()) {
        latent::ClusterJob job = cluster;
        job.runDir = out;
        const auto paths = latent::writeClusterJob(clusterJob, config, r, job);
        for (const auto &path : paths)
            std::cout << "wrote " << path << "\n";
        std::cout << "submit: sbatch " << latent::shellWord(paths.at(2)) << "\n";
        return 0;
    }
    cli::CountProgress counter;
    auto trainer = latent::Trainer::create(out, config, r, loadingPrinter(counter), parallel);
    return ::train(*trainer, parallel);
}
