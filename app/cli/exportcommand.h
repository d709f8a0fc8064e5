// SPDX-License-Identifier: MIT
#pragma once

#include "data/datasetexport.h"

#include <CLI/CLI.hpp>

#include <string>

// latent-cli export-dataset RECIPE --anchors N --views V --out DIR: a
// synthetic dataset on disk (core/data/datasetexport.h), resumable; and
// latent-cli regenerate DIR ROW: one exported image made again and compared.
struct ExportCommands
{
    CLI::App *exportCommand = nullptr;
    std::string recipePath, generator, out;
    bool acceptMismatch = false;
    latent::DatasetExportSettings settings;

    CLI::App *regenerateCommand = nullptr;
    std::string exportDir, regenerateGenerator, regeneratedPng;
    std::int64_t row = 0;

    void add(CLI::App &app);
    // Returns the exit code, or -1 when neither command was given.
    int run(const std::string &exeDir);
};
