// SPDX-License-Identifier: MIT
#include "replaycommand.h"

#include "generators/generator.h"
#include "imagegrid.h"
#include "paths.h"
#include "train/replay.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <iostream>

void ReplayCommand::add(CLI::App &app)
{
    command = app.add_subcommand(
        "replay", "make a training step's batch again and check it against the run's record");
    command->add_option("run", run, "run folder")->required();
    command->add_option("--step", step, "training step, from 1")
        ->check(CLI::Range(1, 2147483647))
        ->required();
    command->add_option("--out", out,
                        "write the batch as a PNG grid, each anchor's views side "
                        "by side");
    command->add_option("--anchors", anchors, "anchors in the grid (default: the whole batch)")
        ->check(CLI::Range(0, 2147483647));
    command->add_option("--scale", scale, "pixels per image pixel in the grid")
        ->check(CLI::Range(1, 16));
    command->add_option("--generator", generator,
                        "another generator file than the run's (to test whether it differs)");
}

int ReplayCommand::runCommand(const std::string &exeDir) const
{
    if (!command || !*command) return -1;
    latent::ReplayOptions options;
    options.maxAnchors = anchors;
    if (!generator.empty()) options.generator = latent::resolveGeneratorArgument(generator, exeDir);
    const latent::BatchReplay r = latent::replayBatch(run, step, options);
    if (!out.empty()) {
        // Whole anchor groups per grid row, the grid about square.
        const int shown = r.views.count / r.viewsPerAnchor;
        const int perRow =
            std::max(1, int(std::lround(std::sqrt(double(r.views.count)) / r.viewsPerAnchor)));
        cv::Mat grid = latent::makeGrid(r.views, std::min(perRow, shown) * r.viewsPerAnchor);
        if (scale > 1) cv::resize(grid, grid, {}, scale, scale, cv::INTER_NEAREST);
        latent::savePng(grid, out);
        std::cout << "wrote " << out << ": " << shown << " of " << r.anchors << " anchors x "
                  << r.viewsPerAnchor << " views\n";
    }
    if (r.recorded.empty()) {
        std::cerr << "latent-cli: warning: " << r.verdict() << "\n";
        return 0;
    }
    if (!r.matches()) {
        std::cerr << "latent-cli: error: " << r.verdict() << "\n";
        return 1;
    }
    std::cout << r.verdict() << "\n";
    return 0;
}
