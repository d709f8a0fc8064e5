// SPDX-License-Identifier: MIT
#pragma once
// Small pieces the latent-cli commands share.

#include "durationtext.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace latent {
class Trainer;
}

namespace cli {

// A generator argument, as core/paths.h resolveGeneratorArgument reads it.
inline constexpr const char *kGeneratorHelp =
    "TorchScript file (.pt), 'default', or a shipped generator's name (fashion-cgan, fashion-ddpm)";

using latent::formatDuration;               // core/durationtext.h
std::string formatPercent(double fraction); // "84.46%"; "--" for NaN

// Starts the trainer and waits until it has finished, stopped or failed.
// Ctrl+C (SIGINT) and SIGTERM stop it between two steps, with a checkpoint;
// returns true when that happened.
bool trainUntilDone(latent::Trainer &trainer);

// "LABEL: 12,288/70,000 images [====    ] ETA 41 s" on stderr: redrawn in
// place on a terminal at most 5 times a second, else a line every 10%.
class CountProgress
{
public:
    void operator()(const std::string &label, std::int64_t done, std::int64_t total);

private:
    std::mutex m_mutex;
    std::string m_label;
    int m_lastTenth = -1;
    std::chrono::steady_clock::time_point m_start, m_last;
};

} // namespace cli
