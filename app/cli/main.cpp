// SPDX-License-Identifier: MIT
// latent-cli: the headless face of the studio; links the same core library.
#include "error.h"
#include "generator.h"
#include "imagegrid.h"
#include "paths.h"
#include "runtime.h"

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>

namespace {

std::string exeDir(const char *argv0)
{
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return (ec ? std::filesystem::absolute(argv0) : self).parent_path().string();
}

const char *kindLabel(latent::ReportLine::Kind kind)
{
    switch (kind) {
    case latent::ReportLine::Kind::Check:
        return "ok     ";
    case latent::ReportLine::Kind::Assumption:
        return "assumed";
    case latent::ReportLine::Kind::Warning:
        return "warning";
    }
    return "";
}

int runInfo(const std::string &path)
{
    const auto gen = latent::Generator::load(path);
    const auto &info = gen->info();
    std::cout << "generator:    " << gen->path() << "\n"
              << "sidecar:      " << (gen->hasSidecar() ? gen->sidecarPath() : "(none)") << "\n"
              << "name:         " << info.name << "\n"
              << "latent size:  " << info.latentSize << "\n"
              << "classes:      " << info.numClasses << (info.numClasses ? "" : " (unconditional)")
              << "\n";
    if (!info.classNames.empty()) {
        std::cout << "class names: ";
        for (int i = 0; i < info.numClasses; ++i)
            std::cout << " " << i << "=" << info.classNames[i]
                      << (i + 1 < info.numClasses ? "," : "");
        std::cout << "\n";
    }
    std::cout << "images:       " << info.channels << " x " << info.resolution << " x "
              << info.resolution << "\n"
              << "output range: [" << info.outputMin << ", " << info.outputMax << "]\n"
              << "call:         " << latent::toString(info.call) << "\n"
              << "device:       " << gen->deviceName() << ", " << latent::torchThreads()
              << " threads\n"
              << "validation:\n";
    for (const auto &line : gen->report())
        std::cout << "  " << kindLabel(line.kind) << "  " << line.text << "\n";
    return 0;
}

int runSample(const std::string &path, const latent::SampleRequest &request, int columns, int scale,
              const std::string &out)
{
    const auto gen = latent::Generator::load(path);
    const auto batch = gen->sample(request);
    if (columns <= 0)
        columns = request.classIndex == latent::SampleRequest::kCycleClasses
                      ? std::max(1, gen->info().numClasses)
                      : static_cast<int>(std::ceil(std::sqrt(double(request.count))));
    cv::Mat grid = latent::makeGrid(batch, columns);
    if (scale > 1) cv::resize(grid, grid, {}, scale, scale, cv::INTER_NEAREST);
    latent::savePng(grid, out);
    std::cout << "wrote " << out << ": " << batch.count << " samples of " << gen->info().name
              << " (seed " << request.seed << ", truncation " << request.truncation << ")\n";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    CLI::App app{"latent-cli: headless Latent Studio (generators, sampling)", "latent-cli"};
    app.set_version_flag("--version", std::string("latent-cli ") + LATENT_VERSION);
    app.require_subcommand(1);
    int threads = 0;
    app.add_option("--threads", threads, "torch threads (default: number of cores)")
        ->check(CLI::Range(0, 1024));

    std::string generator;
    auto *info = app.add_subcommand("info", "print a generator's metadata and validation report");
    info->add_option("generator", generator, "TorchScript file (.pt), or 'default'")->required();

    latent::SampleRequest request;
    request.count = 64;
    int columns = 0;
    std::string out;
    auto *sample = app.add_subcommand("sample", "sample a grid of images to a PNG file");
    sample->add_option("generator", generator, "TorchScript file (.pt), or 'default'")->required();
    sample->add_option("--n", request.count, "number of samples")->check(CLI::Range(1, 4096));
    sample->add_option("--seed", request.seed, "random seed");
    sample->add_option("--class", request.classIndex, "class index (default: uniform classes)")
        ->check(CLI::NonNegativeNumber);
    bool classColumns = false;
    sample
        ->add_flag("--class-columns", classColumns,
                   "one class per column: sample i has class i mod the number of classes")
        ->excludes("--class");
    sample
        ->add_option("--truncation", request.truncation,
                     "truncate each latent coordinate to [-T, T]; 0 disables")
        ->check(CLI::Range(0.0f, 100.0f));
    sample->add_option("--columns", columns, "grid columns (default: square)")
        ->check(CLI::Range(1, 4096));
    int scale = 1;
    sample->add_option("--scale", scale, "enlarge the grid by this factor (nearest neighbour)")
        ->check(CLI::Range(1, 16));
    sample->add_option("--out", out, "output PNG file")->required();

    CLI11_PARSE(app, argc, argv);
    try {
        latent::configureRuntime(threads);
        const std::string path = latent::resolveGeneratorArgument(generator, exeDir(argv[0]));
        if (*info) return runInfo(path);
        if (classColumns) request.classIndex = latent::SampleRequest::kCycleClasses;
        if (*sample) return runSample(path, request, columns, scale, out);
    } catch (const latent::Error &e) {
        std::cerr << "latent-cli: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "latent-cli: unexpected error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
