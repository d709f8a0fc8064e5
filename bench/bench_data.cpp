// SPDX-License-Identifier: MIT
// Real data at a generator's shape, with images stored as bytes and shaped
// per batch:
//   1. a run as `latent-cli train` makes it: a 3xRxR generator (made here,
//      TorchScript), --steps steps, then the final evaluation on the full
//      real splits shown at RxR; prints the process's peak RSS (target:
//      under 2 GiB for Fashion-MNIST, 70,000 images, at 64x64);
//   2. the final evaluation's feature extraction streamed from the byte
//      store (encodeImages) against the same encoder's plain inference on
//      the same images already shaped as float tensors (the reference),
//      same threads, same batch of 512: prints images/s of both and the
//      ratio (target: streamed at most 1.3x slower).
//
//   build/bench/bench_data [--eval fashion-mnist] [--resolution 64] [--steps 50] [--batch 32]
#include "eval/evaluation.h"
#include "runtime.h"
#include "train/encoder.h"
#include "train/trainer.h"

#include <torch/script.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

using namespace latent;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// Peak resident set size of this process in MiB (VmHWM).
double peakRssMiB()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

std::string writeGenerator(const std::string &dir, int resolution)
{
    torch::jit::Module m("BenchRgb");
    m.register_parameter("weight", torch::randn({16, 3 * resolution * resolution}) * 0.3, false);
    m.register_attribute("resolution", c10::IntType::get(), resolution);
    m.define(R"(
def forward(self, z):
    return torch.tanh(torch.matmul(z, self.weight)).view(-1, 3, self.resolution, self.resolution)
)");
    const std::string pt = dir + "/bench-rgb.pt";
    m.save(pt);
    std::ofstream(dir + "/bench-rgb.json")
        << R"({"schema_version": 1, "name": "bench RGB", "latent_size": 16, "num_classes": 0,
"channels": 3, "resolution": )"
        << resolution << R"(, "output_range": [-1, 1], "call": "z"})";
    return pt;
}

} // namespace

int main(int argc, char **argv)
{
    std::string eval = "fashion-mnist";
    int resolution = 64, steps = 50, batch = 32;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--eval")
            eval = argv[i + 1];
        else if (a == "--resolution")
            resolution = std::stoi(argv[i + 1]);
        else if (a == "--steps")
            steps = std::stoi(argv[i + 1]);
        else if (a == "--batch")
            batch = std::stoi(argv[i + 1]);
        else {
            std::cerr
                << "usage: bench_data [--eval SOURCE] [--resolution R] [--steps N] [--batch N]\n";
            return 2;
        }
    }
    configureRuntime();
    const auto dir =
        std::filesystem::temp_directory_path() / ("bench-data-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    // 1. The run.
    TrainConfig c;
    c.generator = writeGenerator(dir.string(), resolution);
    c.evalData = eval;
    c.batch = batch;
    c.steps = steps;
    c.warmupSteps = 5;
    c.probeEvery = 0;
    c.checkpointEvery = steps;
    const auto t0 = Clock::now();
    double finalStart = 0;
    auto trainer = Trainer::create((dir / "run").string(), c, ViewRecipe{});
    TrainObserver o;
    o.evaluation = [&](const std::string &, std::int64_t done, std::int64_t) {
        if (finalStart == 0 && done > 0) finalStart = since(t0);
    };
    trainer->setObserver(o);
    trainer->start();
    trainer->wait();
    if (trainer->state() != RunState::Finished) {
        std::cerr << "run failed: " << trainer->message() << "\n";
        return 1;
    }
    const double runSeconds = since(t0);
    const double peak = peakRssMiB();
    std::cout << "run: " << steps << " steps of " << batch << " anchors at 3x" << resolution << "x"
              << resolution << ", final evaluation on " << eval << " (" << runSeconds
              << " s in all)\n"
              << "peak RSS: " << peak
              << " MiB (target < 2048 MiB): " << (peak < 2048 ? "met" : "MISSED") << "\n";

    // 2. Streamed against pre-shaped evaluation, same encoder and images.
    auto data = std::make_shared<const Dataset>(openDataset(eval));
    EvalData shaped(data, 3, resolution);
    torch::manual_seed(1);
    Encoder encoder(encoderPreset(c.encoder, 3));
    encoder->useChannelsLast();
    encoder->eval();
    const int n = int(std::min<std::int64_t>(5000, data->test.size()));
    const auto idx = torch::arange(n);
    const auto images = shaped.images(data->test, idx); // the reference's input, shaped up front
    torch::NoGradGuard noGrad;
    encoder->probeFeatures(images.slice(0, 0, 64).contiguous(at::MemoryFormat::ChannelsLast));
    auto t1 = Clock::now();
    for (int i = 0; i < n; i += 512)
        encoder->probeFeatures(
            images.slice(0, i, i + 512).contiguous(at::MemoryFormat::ChannelsLast));
    const double plain = n / since(t1);
    t1 = Clock::now();
    encodeImages(*encoder, shaped, data->test, idx, 512);
    const double streamed = n / since(t1);
    std::cout << "feature extraction, " << n << " images, batch 512, " << torchThreads()
              << " threads:\n"
              << "  plain inference on shaped tensors: " << plain << " images/s\n"
              << "  streamed from the byte store:      " << streamed << " images/s\n"
              << "  ratio (plain / streamed): " << plain / streamed
              << " (target <= 1.3): " << (plain / streamed <= 1.3 ? "met" : "MISSED") << "\n";
    std::filesystem::remove_all(dir);
    return 0;
}
