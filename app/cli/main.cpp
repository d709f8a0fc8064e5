// SPDX-License-Identifier: MIT
// latent-cli: the headless face of the studio; links the same core library.
#include "cliutil.h"
#include "datacommand.h"
#include "experimentcommand.h"
#include "exportcommand.h"
#include "launchcommand.h"
#include "replaycommand.h"
#include "reportcardcommand.h"
#include "traincommands.h"

#include "atomicfile.h"
#include "error.h"
#include "generators/generator.h"
#include "imagegrid.h"
#include "paths.h"
#include "provenance.h"
#include "runtime.h"
#include "views/directions.h"
#include "views/viewrecipe.h"
#include "views/views.h"

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
              << "kind:         " << (info.isDiffusion() ? "diffusion" : "GAN") << "\n";
    if (info.isDiffusion()) {
        const latent::DiffusionInfo &d = info.diffusion;
        const latent::SamplerSettings s = gen->samplerSettings();
        std::cout << "diffusion:    " << latent::toString(d.prediction) << " prediction, "
                  << d.timesteps << " timesteps, " << d.schedule << ", null class "
                  << (d.nullClass >= 0 ? std::to_string(d.nullClass) : "none") << "\n"
                  << "sampler:      DDIM, " << s.steps << " steps, guidance " << s.guidance
                  << ", eta " << s.eta << " (latent: the starting noise x_T)\n";
    }
    std::cout << "latent size:  " << info.latentSize << "\n"
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
              << "call:         " << latent::callText(info) << "\n"
              << (info.realData.empty() ? "" : "real data:    " + info.realData + "\n")
              << "device:       " << gen->deviceName() << ", " << latent::torchThreads()
              << " threads\n"
              << "validation:\n";
    for (const auto &line : gen->report())
        std::cout << "  " << kindLabel(line.kind) << "  " << line.text << "\n";
    return 0;
}

int runSample(const std::string &path, const latent::SampleRequest &request,
              const cli::SamplerOptions &sampler, int columns, int scale, const std::string &out)
{
    const auto gen = latent::Generator::load(path);
    sampler.apply(*gen);
    if (request.classIndex != latent::SampleRequest::kUniformClasses && gen->info().numClasses == 0)
        throw latent::Error("sample: " + gen->info().name +
                            " is unconditional; --class and "
                            "--class-columns apply to class-conditional generators only");
    latent::SampleRequest r = request;
    if (r.truncation < 0) r.truncation = gen->info().defaultTruncation();
    const auto batch = gen->sample(r);
    if (columns <= 0)
        columns = request.classIndex == latent::SampleRequest::kCycleClasses
                      ? std::max(1, gen->info().numClasses)
                      : static_cast<int>(std::ceil(std::sqrt(double(request.count))));
    cv::Mat grid = latent::makeGrid(batch, columns);
    if (scale > 1) cv::resize(grid, grid, {}, scale, scale, cv::INTER_NEAREST);
    latent::savePng(grid, out);
    std::cout << "wrote " << out << ": " << batch.count << " samples of " << gen->info().name
              << " (seed " << r.seed << ", truncation " << r.truncation;
    if (gen->info().isDiffusion()) {
        const latent::SamplerSettings s = gen->samplerSettings();
        std::cout << "; DDIM, " << s.steps << " steps, guidance " << s.guidance << ", eta "
                  << s.eta;
    }
    std::cout << ")\n";
    return 0;
}

// Progress on stderr, one rewritten line; the work is never cancelled here.
latent::Progress stderrProgress()
{
    return [](float fraction, const std::string &status) {
        std::cerr << "\r[" << static_cast<int>(fraction * 100) << "%] " << status << "\x1b[K"
                  << std::flush;
        return true;
    };
}

struct DirectionOptions
{
    std::string method = "sefa";
    int k = 8;
    int samples = 10000;
    std::uint64_t seed = 0;
    std::string parameter;
    std::vector<std::string> transforms{"zoom",     "shift_x",    "shift_y",
                                        "rotation", "brightness", "contrast"};
    int steps = 500;
    int batch = 16;
    double lr = 1e-2;
    std::string name;
    std::string out;
    std::string strip;
    cli::SamplerOptions sampler; // the sampler of PCA, the strip and (by default) steering walks
    int walkSamplerSteps = 0; // steer, diffusion: the steps walks learn through (0: the sampler's)
};

int runDirections(const std::string &path, const DirectionOptions &o)
{
    const auto gen = latent::Generator::load(path);
    o.sampler.apply(*gen);
    latent::DirectionSet set;
    if (o.method == "sefa") {
        set = latent::sefaDirections(*gen, o.k, o.parameter);
    } else if (o.method == "pca") {
        set = latent::pcaDirections(*gen, o.k, o.samples, o.seed, stderrProgress());
    } else if (o.method == "random") {
        set = latent::randomDirections(gen->info().latentSize, o.k, o.seed);
    } else {
        latent::SteerOptions steer;
        for (const auto &t : o.transforms)
            steer.transforms.push_back(latent::steerTransformFromString(t));
        steer.steps = o.steps;
        steer.batch = o.batch;
        steer.learningRate = o.lr;
        steer.seed = o.seed;
        if (o.walkSamplerSteps > 0 && !gen->info().isDiffusion())
            throw latent::Error("--walk-sampler-steps applies to diffusion generators, and " +
                                gen->info().name + " is a GAN; leave it out");
        steer.samplerSteps = o.walkSamplerSteps;
        set = latent::learnSteeringWalks(*gen, steer, stderrProgress());
    }
    if (o.method != "sefa" && o.method != "random") std::cerr << "\n";
    if (!o.name.empty()) set.name = o.name;
    latent::writeFileAtomically(o.out, latent::directionSetToJson(set));
    std::cout << "wrote " << o.out << ": " << set.size() << " " << set.method << " directions\n";
    for (int i = 0; i < set.size(); ++i)
        std::cout << "  " << set.labels[i] << "  score " << set.scores[i] << "\n";
    if (!o.strip.empty()) {
        latent::savePng(latent::makeGrid(latent::directionStrips(*gen, set, 7, 3.0f, o.seed), 7),
                        o.strip);
        std::cout << "wrote " << o.strip << ": one row per direction, alpha from low to high\n";
    }
    return 0;
}

struct ViewOptions
{
    std::string generator;
    int anchors = 8;
    int views = 4;
    std::uint64_t seed = 0;
    std::string mode = "both";
    bool acceptMismatch = false;
    int scale = 1;
    std::string out;
};

int runViews(const std::string &recipePath, const ViewOptions &o, const std::string &exe)
{
    const latent::ViewRecipe recipe = latent::readRecipe(recipePath);
    std::string warning;
    const std::string path = latent::recipeGeneratorPath(recipe, recipePath, o.generator, exe,
                                                         o.acceptMismatch, &warning);
    if (!warning.empty()) std::cerr << "latent-cli: warning: " << warning << "\n";
    const auto gen = latent::Generator::load(path);
    // Checked here too so that the message names the file, not the recipe's name.
    recipe.checkAgainst(gen->info().latentSize, gen->info().numClasses, "recipe " + recipePath);
    const auto mode = o.mode == "latent"  ? latent::ViewMode::LatentOnly
                      : o.mode == "pixel" ? latent::ViewMode::PixelOnly
                                          : latent::ViewMode::Both;
    const auto preview = latent::renderViewPreview(*gen, recipe, o.anchors, o.views, o.seed, mode);
    cv::Mat grid = latent::makeGrid(preview.images, preview.columns);
    if (o.scale > 1) cv::resize(grid, grid, {}, o.scale, o.scale, cv::INTER_NEAREST);
    latent::savePng(grid, o.out);
    const auto &d = preview.diagnostics;
    std::cout << "wrote " << o.out << ": " << o.anchors << " anchors (first column) with "
              << o.views << " views each\n"
              << "pixel RMS distance: positives " << d.pixelDistancePositives << ", negatives "
              << d.pixelDistanceNegatives << "\n"
              << "cosine (random encoder): positives " << d.cosinePositives << ", negatives "
              << d.cosineNegatives << "\n";
    if (preview.classPairs && !std::isnan(d.cosineClassPositives))
        std::cout << "same-class positives (rows 1-2, 3-4, ... share a class; negatives are "
                     "other classes): pixel RMS "
                  << d.pixelDistanceClassPositives << ", cosine " << d.cosineClassPositives << "\n";
    return 0;
}

int runNewRecipe(const std::string &path, const std::string &out)
{
    const auto gen = latent::Generator::load(path);
    latent::ViewRecipe recipe = latent::defaultRecipeFor(gen->info());
    recipe.name = std::filesystem::path(out).stem().string();
    recipe.generator = {std::filesystem::path(path).filename().string(),
                        latent::sha256OfFile(path)};
    latent::writeRecipe(recipe, out);
    std::cout << "wrote " << out << " for " << gen->info().name << "\n";
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    latent::setCommandLine(argc, argv); // what runs record of how they were started
    CLI::App app{
        "latent-cli: headless Latent Studio (generators, directions, view recipes, training)",
        "latent-cli"};
    app.set_version_flag("--version", std::string("latent-cli ") + LATENT_VERSION +
                                          ", built from " + latent::buildDescription());
    app.require_subcommand(1);
    // The global options after the subcommand too: `latent-cli train --threads 2 ...`.
    app.fallthrough();
    int threads = 0;
    app.add_option("--threads", threads,
                   "torch threads (default: OMP_NUM_THREADS, else the number of cores)")
        ->check(CLI::Range(0, 1024));

    std::string generator;
    auto *info = app.add_subcommand("info", "print a generator's metadata and validation report");
    info->add_option("generator", generator, cli::kGeneratorHelp)->required();

    latent::SampleRequest request;
    request.count = 64;
    request.truncation = -1; // the generator's default
    int columns = 0;
    std::string out;
    auto *sample = app.add_subcommand("sample", "sample a grid of images to a PNG file");
    sample->add_option("generator", generator, cli::kGeneratorHelp)->required();
    sample->add_option("--n", request.count, "number of samples")->check(CLI::Range(1, 4096));
    sample->add_option("--seed", request.seed, "random seed");
    sample->add_option("--class", request.classIndex, "class index (default: uniform classes)")
        ->check(CLI::Range(0, 2147483647));
    bool classColumns = false;
    sample
        ->add_flag("--class-columns", classColumns,
                   "one class per column: sample i has class i mod the number of classes")
        ->excludes("--class");
    sample
        ->add_option("--truncation", request.truncation,
                     "truncate each latent coordinate to [-T, T]; 0 disables (default: 2 for a "
                     "GAN, none for a diffusion model)")
        ->check(CLI::Range(0.0f, 100.0f));
    sample->add_option("--columns", columns, "grid columns (default: square)")
        ->check(CLI::Range(1, 4096));
    int scale = 1;
    sample->add_option("--scale", scale, "enlarge the grid by this factor (nearest neighbour)")
        ->check(CLI::Range(1, 16));
    sample->add_option("--out", out, "output PNG file")->required();
    cli::SamplerOptions sampler;
    sampler.add(*sample);

    DirectionOptions dir;
    auto *directions =
        app.add_subcommand("directions", "find latent directions and save them as a set");
    directions->add_option("generator", generator, cli::kGeneratorHelp)->required();
    directions->add_option("--method", dir.method, "sefa, pca, steer or random")
        ->check(CLI::IsMember({"sefa", "pca", "steer", "random"}));
    directions->add_option("--k", dir.k, "number of directions (sefa, pca, random)")
        ->check(CLI::Range(1, 4096));
    directions->add_option("--samples", dir.samples, "latents sampled for PCA")
        ->check(CLI::Range(16, 1000000));
    directions->add_option("--seed", dir.seed, "random seed");
    directions->add_option("--parameter", dir.parameter, "SeFa: the projection weight's name");
    directions
        ->add_option("--transforms", dir.transforms,
                     "steer: zoom,shift_x,shift_y,rotation,brightness,contrast")
        ->delimiter(',');
    directions->add_option("--steps", dir.steps, "steer: Adam steps per walk")
        ->check(CLI::Range(1, 100000));
    directions->add_option("--batch", dir.batch, "steer: latents per step")
        ->check(CLI::Range(1, 4096));
    directions->add_option("--lr", dir.lr, "steer: Adam learning rate")
        ->check(CLI::Range(1e-6, 10.0));
    directions
        ->add_option("--walk-sampler-steps", dir.walkSamplerSteps,
                     "steer, diffusion: DDIM steps the walks learn through (time and memory "
                     "scale with it; default: the sampler's steps)")
        ->check(CLI::Range(1, 100000));
    directions->add_option("--name", dir.name, "name of the set (default: the method)");
    directions->add_option("--strip", dir.strip, "also write a PNG strip per direction");
    directions->add_option("--out", dir.out, "output JSON file")->required();
    dir.sampler.add(*directions);

    std::string recipePath;
    ViewOptions view;
    auto *views =
        app.add_subcommand("views", "render a recipe's preview grid: anchors and their views");
    views->add_option("recipe", recipePath, "view recipe (.json)")->required();
    views->add_option("--generator", view.generator, "generator to use instead of the recipe's");
    views->add_option("--anchors", view.anchors, "rows")->check(CLI::Range(1, 256));
    views->add_option("--views", view.views, "views per anchor")->check(CLI::Range(1, 64));
    views->add_option("--seed", view.seed, "random seed");
    views->add_option("--mode", view.mode, "both, latent or pixel")
        ->check(CLI::IsMember({"both", "latent", "pixel"}));
    views->add_flag("--accept-generator-mismatch", view.acceptMismatch,
                    "use a generator whose SHA-256 differs from the recipe's");
    views->add_option("--scale", view.scale, "enlarge by this factor")->check(CLI::Range(1, 16));
    views->add_option("--out", view.out, "output PNG file")->required();

    std::string recipeOut;
    auto *newRecipe =
        app.add_subcommand("new-recipe", "write a default view recipe for a generator");
    newRecipe->add_option("generator", generator, cli::kGeneratorHelp)->required();
    newRecipe->add_option("--out", recipeOut, "output JSON file")->required();

    TrainCommands training;
    training.add(app);
    ExperimentCommand experiment;
    experiment.add(app);
    DataCommand data;
    data.add(app);
    LaunchCommand launcher;
    launcher.add(app);
    ReportCardCommand reportCard;
    reportCard.add(app);
    ExportCommands exports;
    exports.add(app);
    ReplayCommand replay;
    replay.add(app);

    CLI11_PARSE(app, argc, argv);
    try {
        cli::requirePlainNumbers(app);
        if (const int code = launcher.run(threads); code >= 0) return code;
        latent::configureRuntime(threads);
        const std::string exe = exeDir(argv[0]);
        if (*views) return runViews(recipePath, view, exe);
        if (const int code = training.run(exe, threads); code >= 0) return code;
        if (const int code = experiment.run(exe, threads, argc, argv); code >= 0) return code;
        if (const int code = data.run(); code >= 0) return code;
        if (const int code = reportCard.run(exe); code >= 0) return code;
        if (const int code = exports.run(exe); code >= 0) return code;
        if (const int code = replay.runCommand(exe); code >= 0) return code;
        const std::string path = latent::resolveGeneratorArgument(generator, exe);
        if (*directions) return runDirections(path, dir);
        if (*newRecipe) return runNewRecipe(path, recipeOut);
        if (*info) return runInfo(path);
        if (classColumns) request.classIndex = latent::SampleRequest::kCycleClasses;
        if (*sample) return runSample(path, request, sampler, columns, scale, out);
    } catch (const latent::Error &e) {
        std::cerr << "latent-cli: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "latent-cli: unexpected error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
