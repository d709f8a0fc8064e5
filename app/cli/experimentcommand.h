// SPDX-License-Identifier: MIT
#pragma once

#include "eval/experiment.h"

#include <CLI/CLI.hpp>

#include <string>

// latent-cli experiment paper-table: every row of the comparison as an
// ordinary run folder under --out; rerunning the command resumes it.
struct ExperimentCommand
{
    CLI::App *command = nullptr;
    std::string name;
    std::string generator = "default";
    std::string out = "runs/paper-table";
    latent::ExperimentOptions options;

    void add(CLI::App &app);
    // Returns the exit code, or -1 when the command was not given.
    int run(const std::string &exeDir, int threads, int argc, char **argv);
};
