// SPDX-License-Identifier: MIT
#pragma once

#include <CLI/CLI.hpp>

#include <string>

// latent-cli data PATH: what a real dataset holds (format, splits, classes
// with counts, image sizes, unreadable files), optionally a grid of samples
// per class.
struct DataCommand
{
    CLI::App *command = nullptr;
    std::string source;
    std::string grid;
    int perClass = 8;
    int cell = 48;
    bool skipUnreadable = false;

    void add(CLI::App &app);
    // Returns the exit code, or -1 when the command was not given.
    int run();
};
