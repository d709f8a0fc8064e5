// SPDX-License-Identifier: MIT
// Generator throughput (images/s at batch 64 and 256) and the time to make a
// 16-image preview grid (latents + forward + bytes + grid), as JSON lines.
// bench/generator_throughput.py runs this next to a Python reference.
#include "generators/generator.h"
#include "imagegrid.h"
#include "paths.h"
#include "runtime.h"

#include <opencv2/core.hpp>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

} // namespace

int main(int argc, char **argv)
{
    latent::configureRuntime();
    const std::string exeDir = std::filesystem::canonical("/proc/self/exe").parent_path().string();
    const std::string path = argc > 1 ? argv[1] : latent::defaultGeneratorPath(exeDir);
    const auto gen = latent::Generator::load(path);
    c10::InferenceMode guard;

    for (int batch : {64, 256}) {
        const latent::SampleRequest req{batch, 1, 2.0f, -1};
        const auto z = gen->sampleLatents(req);
        const auto y = gen->sampleClasses(req);
        for (int i = 0; i < 3; ++i)
            gen->generate(z, y); // warm-up
        std::vector<double> rates;
        for (int rep = 0; rep < 5; ++rep) {
            const int iters = batch == 64 ? 40 : 10;
            const auto t0 = Clock::now();
            for (int i = 0; i < iters; ++i)
                gen->generate(z, y);
            const double s = std::chrono::duration<double>(Clock::now() - t0).count();
            rates.push_back(batch * iters / s);
        }
        std::printf("{\"what\": \"forward\", \"batch\": %d, \"images_per_s\": %.1f}\n", batch,
                    median(rates));
    }

    std::vector<double> ms;
    for (int i = 0; i < 220; ++i) {
        const auto t0 = Clock::now();
        const auto images = gen->sample({16, static_cast<std::uint64_t>(i), 2.0f, -1});
        const cv::Mat grid = latent::makeGrid(images, 4);
        const double dt = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (i >= 20 && grid.rows > 0) ms.push_back(dt); // first 20 are warm-up
    }
    std::printf("{\"what\": \"grid16\", \"median_ms\": %.3f, \"p95_ms\": %.3f, \"threads\": %d}\n",
                median(ms), percentile(ms, 0.95), latent::torchThreads());
    return 0;
}
