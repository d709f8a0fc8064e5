// SPDX-License-Identifier: MIT
#pragma once

#include "cliutil.h"
#include "eval/reportcard.h"

#include <CLI/CLI.hpp>

#include <string>

// latent-cli report-card GENERATOR [--data PATH]: how well a generator
// stands in for real labelled data (core/eval/reportcard.h), printed as Markdown
// and optionally written to a folder.
struct ReportCardCommand
{
    CLI::App *command = nullptr;
    std::string generator = "default";
    std::string data;
    std::string out;
    bool noCache = false;
    bool skipUnreadable = false;
    std::string on = "test";
    cli::SamplerOptions sampler;
    latent::ReportCardOptions options;

    void add(CLI::App &app);
    // Returns the exit code, or -1 when the command was not given.
    int run(const std::string &exeDir);
};
