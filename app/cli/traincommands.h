// SPDX-License-Identifier: MIT
#pragma once

#include "dist/clusterjob.h"
#include "train/trainconfig.h"
#include "train/trainer.h"

#include <CLI/CLI.hpp>

#include <string>

// latent-cli train and probe.
struct TrainCommands
{
    CLI::App *train = nullptr;
    CLI::App *probe = nullptr;

    latent::TrainConfig config;
    std::string recipe;
    std::string generator;
    std::string real;
    std::string eval;
    std::string out;
    std::string resume;
    bool acceptMismatch = false;
    int distTimeout = 300;
    std::string configFile; // a training config (JSON) instead of the options
    std::string clusterJob; // write a cluster job for the run here instead of training
    latent::ClusterJob cluster;

    std::string probeTarget;
    bool floors = false;
    bool chooseL2 = false;
    std::vector<double> l2Grid = latent::defaultProbeL2Grid();

    void add(CLI::App &app);
    // Runs the parsed command; returns the exit code, or -1 when neither was given.
    int run(const std::string &exeDir, int threads);

private:
    int startRun(const latent::ViewRecipe &recipe, const latent::ParallelOptions &parallel) const;
};
