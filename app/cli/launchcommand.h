// SPDX-License-Identifier: MIT
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

// latent-cli launch --nproc N -- train ...: N local ranks of a data-parallel
// job, started like torchrun's standalone mode (RANK, WORLD_SIZE,
// LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, a free MASTER_PORT),
// their output forwarded with a "[rank R]" prefix; when one rank fails the
// others are ended, and Ctrl+C stops them all (each keeps a checkpoint).
struct LaunchCommand
{
    CLI::App *launch = nullptr;
    int nproc = 2;
    int port = 0; // 0: a free one
    int graceSeconds = 30;
    std::vector<std::string> command;

    void add(CLI::App &app);
    // Returns the job's exit code, or -1 when the command was not given.
    // `threads` (the global --threads, 0 when not given) goes to every rank.
    int run(int threads) const;
};
