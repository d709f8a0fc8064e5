// SPDX-License-Identifier: MIT
// Training throughput of the C++ engine, as JSON lines for
// bench/training_throughput.py (which runs the Python reference beside it):
//   1. the split of one step, each phase timed alone on all cores:
//      generation, augmentation, forward, backward (loss included), optimiser;
//   2. end to end: a real run (prefetch thread, default recipe), views/s over
//      its wall clock, waits for batches included.
//
//   build/bench/bench_training GENERATOR.pt [--batch 256] [--steps 12] [--precision auto]
//       [--encoder small] [--threads N]
//
// The last line is this process's own peak RSS (getrusage).
#include "generators/generator.h"
#include "runtime.h"
#include "train/contrastive.h"
#include "train/encoder.h"
#include "train/trainer.h"
#include "views/augment.h"
#include "views/views.h"

#include <ATen/autocast_mode.h>
#include <nlohmann/json.hpp>
#include <torch/optim/sgd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <sys/resource.h>

using namespace latent;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::cerr << "usage: bench_training GENERATOR.pt [--batch N] [--steps N] [--precision P] "
                     "[--encoder PRESET] [--threads N]\n";
        return 2;
    }
    int batch = 256, steps = 12, threads = 0;
    std::string precision = "auto", preset = "small";
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--batch")
            batch = std::stoi(v);
        else if (k == "--steps")
            steps = std::stoi(v);
        else if (k == "--precision")
            precision = v;
        else if (k == "--encoder")
            preset = v;
        else if (k == "--threads")
            threads = std::stoi(v);
    }
    configureRuntime(threads);
    const bool bf16 = precision == "bf16" || (precision == "auto" && cpuHasBf16());
    const auto generator = Generator::load(argv[1]);
    ViewRecipe recipe;
    const int views = recipe.views.perAnchor;

    // 1. Phases alone.
    torch::manual_seed(1);
    Encoder encoder(encoderPreset(preset, generator->info().channels));
    encoder->useChannelsLast();
    torch::optim::SGD opt(encoder->parameters(),
                          torch::optim::SGDOptions(0.06).momentum(0.9).weight_decay(5e-4));
    std::vector<double> gen, aug, fwd, bwd, step;
    for (int s = 0; s < steps + 2; ++s) {
        auto t = Clock::now();
        auto x = generateViews(*generator, recipe, batch, views, s, ViewMode::LatentOnly).clone();
        const double tg = since(t);
        t = Clock::now();
        x = augmentPixels(x.flatten(0, 1), recipe.pixel, s)
                .contiguous(at::MemoryFormat::ChannelsLast);
        const double ta = since(t);
        t = Clock::now();
        torch::Tensor f;
        {
            if (bf16) {
                at::autocast::set_cpu_enabled(true);
                at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            }
            f = encoder->forward(x);
            at::autocast::set_cpu_enabled(false);
            at::autocast::clear_cache();
        }
        const double tf = since(t);
        t = Clock::now();
        auto loss = supConLoss(f.view({batch, views, -1}), torch::Tensor(), 0.1, 0.07);
        opt.zero_grad();
        loss.backward();
        const double tb = since(t);
        t = Clock::now();
        opt.step();
        const double to = since(t);
        if (s < 2) continue; // warm-up
        gen.push_back(tg), aug.push_back(ta), fwd.push_back(tf), bwd.push_back(tb),
            step.push_back(to);
    }
    const double total = median(gen) + median(aug) + median(fwd) + median(bwd) + median(step);
    std::cout << nlohmann::json{{"measure", "split"},
                                {"batch", batch},
                                {"views", views},
                                {"precision", bf16 ? "bf16" : "fp32"},
                                {"threads", torchThreads()},
                                {"generation_s", median(gen)},
                                {"augmentation_s", median(aug)},
                                {"forward_s", median(fwd)},
                                {"backward_s", median(bwd)},
                                {"optimizer_s", median(step)},
                                {"serial_images_per_s", batch * views / total}}
                     .dump()
              << std::endl;

    // 2. A real run: the trainer with its prefetch thread; stopped at `steps`
    // by the observer so that no final evaluation is timed.
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("bench_training_" + std::to_string(::getpid())))
            .string();
    TrainConfig config;
    config.generator = argv[1];
    config.batch = batch;
    config.steps = steps + 1000;
    config.probeEvery = 0;
    config.checkpointEvery = 100000;
    config.precision = bf16 ? "bf16" : "fp32";
    config.encoder = preset;
    config.threads = torchThreads();
    auto trainer = Trainer::create(dir, config, recipe);
    Trainer *raw = trainer.get();
    trainer->setObserver({nullptr,
                          [raw, steps](const TrainProgress &p) {
                              if (p.step == steps + 2) raw->stop();
                          },
                          nullptr, nullptr, nullptr, nullptr});
    trainer->start();
    trainer->wait();
    // End to end from the run's clock between steps (waits for the batch
    // thread included): a row's images/s times the step alone, from its
    // batch's arrival, and overstates the rate when generation is the
    // bottleneck.
    std::vector<double> rates, stepOnly, wall;
    for (const auto &r : trainer->metrics())
        if (r.kind == "train" && r.step >= 2) {
            wall.push_back(r.wallSeconds);
            if (r.step > 2) stepOnly.push_back(r.imagesPerSecond);
        }
    for (std::size_t i = 1; i < wall.size(); ++i)
        rates.push_back(batch * views / (wall[i] - wall[i - 1]));
    std::filesystem::remove_all(dir);
    std::cout << nlohmann::json{{"measure", "end_to_end"},
                                {"images_per_s", batch * views * double(wall.size() - 1) /
                                                     (wall.back() - wall.front())},
                                {"per_step", rates},
                                {"step_only_images_per_s", median(stepOnly)}}
                     .dump()
              << std::endl;
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    std::cout
        << nlohmann::json{{"measure", "memory"}, {"peak_rss_mib", usage.ru_maxrss / 1024.0}}.dump()
        << std::endl;
    return 0;
}
