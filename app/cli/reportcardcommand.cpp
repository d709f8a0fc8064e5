// SPDX-License-Identifier: MIT
#include "reportcardcommand.h"

#include "cliutil.h"

#include "data/dataset.h"
#include "generators/generator.h"
#include "paths.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

void ReportCardCommand::add(CLI::App &app)
{
    command = app.add_subcommand("report-card",
                                 "measure how well a generator stands in for real labelled data: "
                                 "fidelity, CAS, Frechet distance, per class, nearest real images");
    command->add_option("generator", generator, cli::kGeneratorHelp)->capture_default_str();
    command->add_option("--data", data,
                        "real labelled data with the generator's classes: fashion-mnist, a "
                        "folder or FORMAT:PATH (default: the generator's real_data, else "
                        "fashion-mnist)");
    command
        ->add_option("--samples", options.samples,
                     "generated images for fidelity and the Frechet distance")
        ->check(CLI::Range(2, 1000000))
        ->capture_default_str();
    command
        ->add_option("--cas-images", options.casImages,
                     "generated images the CAS classifier trains on (default: as many as "
                     "the real-trained classifier, so that CAS / real compares equal data)")
        ->check(CLI::Range(1, 10000000));
    command->add_option("--epochs", options.epochs, "classifier epochs")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    command->add_option("--truncation", options.truncation, "latent truncation (0: none)")
        ->check(CLI::Range(0.0, 10.0))
        ->capture_default_str();
    command->add_option("--seed", options.seed)->capture_default_str();
    command
        ->add_option("--on", on,
                     "where the figures are measured: test, or validation (the dataset's val "
                     "split, else 10% of each class of the train split; choose a generator's "
                     "settings there, report test)")
        ->check(CLI::IsMember({"test", "validation"}))
        ->capture_default_str();
    sampler.add(*command);
    command->add_option("--out", out,
                        "also write report-card.md, report-card.json and nearest.png here");
    command->add_flag("--skip-unreadable", skipUnreadable,
                      "leave images that cannot be decoded out of the data (counted in the card)");
    command->add_flag("--no-cache", noCache,
                      "train the real-data classifier again instead of reading it from " +
                          latent::defaultClassifierCacheDir());
}

int ReportCardCommand::run(const std::string &exeDir)
{
    if (!command || !*command) return -1;
    const std::string path = latent::resolveGeneratorArgument(generator, exeDir);
    const auto g = latent::Generator::load(path);
    sampler.apply(*g);
    options.onValidation = on == "validation";
    const std::string source = !data.empty()                 ? data
                               : !g->info().realData.empty() ? g->info().realData
                                                             : "fashion-mnist";
    std::cerr << "reading " << source << "...\n";
    latent::DatasetOptions read;
    read.skipUnreadable = skipUnreadable;
    const latent::Dataset real = latent::openDataset(source, read);
    options.cacheDir = noCache ? "" : latent::defaultClassifierCacheDir();

    const bool tty = ::isatty(STDERR_FILENO);
    auto last = std::chrono::steady_clock::now() - std::chrono::hours(1);
    std::string lastStage;
    const auto progress = [&](const std::string &stage, double fraction) {
        const auto now = std::chrono::steady_clock::now();
        if (stage == lastStage && now - last < std::chrono::seconds(tty ? 1 : 20)) return;
        last = now;
        lastStage = stage;
        std::fprintf(stderr, "%s%3.0f%% %s%s", tty ? "\r\033[K" : "", 100 * fraction, stage.c_str(),
                     tty ? "" : "\n");
    };
    latent::ReportCard card = latent::computeReportCard(*g, real, options, nullptr, progress);
    if (tty) std::cerr << "\r\033[K";
    card.generator = path;
    card.data = source;
    if (!out.empty()) {
        latent::writeReportCard(card, out);
        std::cerr << "wrote " << out << "/report-card.md, report-card.json, nearest.png\n";
    }
    std::cout << latent::reportCardMarkdown(card);
    return 0;
}
