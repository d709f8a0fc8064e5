// SPDX-License-Identifier: MIT
#pragma once

#include <CLI/CLI.hpp>

#include <string>

// latent-cli replay RUN --step S [--out views.png]: a training step's batch
// made again from the run's config, recipe and seed, checked against the
// fingerprint the run recorded (core/train/replay.h).
struct ReplayCommand
{
    CLI::App *command = nullptr;
    std::string run, generator, out;
    int step = 0;
    int anchors = 0;
    int scale = 1;

    void add(CLI::App &app);
    // Returns the exit code (0 matches or unchecked, 1 differs), or -1 when not given.
    int runCommand(const std::string &exeDir) const;
};
