// SPDX-License-Identifier: MIT
#include "exportcommand.h"

#include "cliutil.h"

#include "error.h"
#include "generators/generator.h"
#include "imagegrid.h"
#include "paths.h"
#include "runtime.h"
#include "views/viewrecipe.h"

#include <opencv2/core.hpp>

#include <csignal>
#include <iostream>

namespace {

volatile std::sig_atomic_t g_stop = 0;

void requestStop(int)
{
    g_stop = 1;
}

} // namespace

void ExportCommands::add(CLI::App &app)
{
    exportCommand = app.add_subcommand(
        "export-dataset",
        "write a recipe's views as a dataset (PNG folders per class or .npy arrays) with a "
        "manifest; run again to continue a stopped export");
    exportCommand->add_option("recipe", recipePath, "view recipe (.json)")->required();
    exportCommand->add_option("--generator", generator, "generator to use instead of the recipe's");
    exportCommand->add_flag("--accept-generator-mismatch", acceptMismatch,
                            "use a generator whose SHA-256 differs from the recipe's");
    exportCommand->add_option("--anchors", settings.anchors, "anchors (positive groups)")
        ->check(CLI::Range(1, 100000000))
        ->capture_default_str();
    exportCommand->add_option("--views", settings.views, "views per anchor")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    exportCommand->add_option("--format", settings.format, "png (a folder per class) or npy")
        ->check(CLI::IsMember({"png", "npy"}))
        ->capture_default_str();
    exportCommand
        ->add_option("--chunk", settings.chunk,
                     "anchors generated together; chunk c is a training run's batch at step c "
                     "(recipes without an anchor pool)")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    exportCommand->add_option("--seed", settings.seed, "random seed")->capture_default_str();
    exportCommand->add_option("--out", out, "export folder (new, empty, or a stopped export)")
        ->required();

    regenerateCommand = app.add_subcommand(
        "regenerate", "make one exported image again from its manifest row and compare");
    regenerateCommand->add_option("export", exportDir, "export folder (holding manifest.jsonl)")
        ->required();
    regenerateCommand->add_option("row", row, "manifest row, from 0")
        ->check(CLI::Range(0, 2147483647))
        ->required();
    regenerateCommand->add_option("--generator", regenerateGenerator,
                                  "generator file (default: the one the export recorded)");
    regenerateCommand->add_option("--out", regeneratedPng, "also write the image as PNG");
}

int ExportCommands::run(const std::string &exeDir)
{
    if (exportCommand && *exportCommand) {
        const latent::ViewRecipe recipe = latent::readRecipe(recipePath);
        std::string warning;
        const std::string path = latent::recipeGeneratorPath(recipe, recipePath, generator, exeDir,
                                                             acceptMismatch, &warning);
        if (!warning.empty()) std::cerr << "latent-cli: warning: " << warning << "\n";
        const auto gen = latent::Generator::load(path);
        recipe.checkAgainst(gen->info().latentSize, gen->info().numClasses, "recipe " + recipePath);
        // Ctrl+C or SIGTERM: finish the chunk in hand, then stop resumably.
        std::signal(SIGINT, requestStop);
        std::signal(SIGTERM, requestStop);
        cli::CountProgress counter;
        const auto p = latent::exportDataset(
            *gen, recipe, settings, out, [&](const latent::ExportProgress &now) {
                counter("exporting " + out, now.imagesDone, now.imagesTotal);
                return g_stop == 0;
            });
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        if (p.chunksDone < p.chunksTotal) {
            std::cout << "stopped at " << p.imagesDone << " of " << p.imagesTotal
                      << " images; run the same command again to continue\n";
            return cli::kInterruptedExitCode;
        }
        std::cout << "export complete: " << p.imagesTotal << " images (" << settings.anchors
                  << " anchors x " << settings.views << " views) in " << out
                  << (p.resumed ? " (continued)" : "") << "; manifest " << out
                  << "/manifest.jsonl\n";
        return 0;
    }
    if (regenerateCommand && *regenerateCommand) {
        const std::string path =
            regenerateGenerator.empty()
                ? latent::exportGeneratorPath(exportDir)
                : latent::resolveGeneratorArgument(regenerateGenerator, exeDir);
        const auto r = latent::regenerateExportedImage(exportDir, row, path);
        if (!regeneratedPng.empty())
            latent::savePng(latent::makeGrid(r.image, 1, 0), regeneratedPng);
        if (!r.identical) {
            std::cerr << "latent-cli: error: row " << row << " regenerated differs from "
                      << r.storedFile;
            if (r.exportThreads > 0 && r.exportThreads != latent::torchThreads())
                std::cerr << " (the export ran with " << r.exportThreads << " threads, this with "
                          << latent::torchThreads() << ": regenerate with --threads "
                          << r.exportThreads << ")\n";
            else
                std::cerr << " (same generator file; another build can change rounding)\n";
            return 1;
        }
        std::cout << "row " << row << ": regenerated image is identical to " << r.storedFile
                  << "\n";
        return 0;
    }
    return -1;
}
