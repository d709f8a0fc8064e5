// SPDX-License-Identifier: MIT
#pragma once
// Small pieces the latent-cli commands share.

#include "durationtext.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace CLI {
class App;
class Option;
} // namespace CLI
namespace latent {
class Generator;
class Trainer;
} // namespace latent

namespace cli {

// A generator argument, as core/paths.h resolveGeneratorArgument reads it.
inline constexpr const char *kGeneratorHelp =
    "TorchScript file (.pt), 'default', or a shipped generator's name (fashion-cgan, fashion-ddpm)";

using latent::formatDuration;               // core/durationtext.h
std::string formatPercent(double fraction); // "84.46%"; "--" for NaN

// --sampler-steps, --guidance and --eta: a diffusion generator's DDIM
// settings for one command; each one absent keeps the sidecar's. Lives as
// long as the parsed command (CLI11 writes into it).
class SamplerOptions
{
public:
    void add(CLI::App &command);
    // Throws latent::Error for a GAN or a value out of range, naming it.
    void apply(const latent::Generator &generator) const;

private:
    CLI::Option *m_stepsOption = nullptr, *m_guidanceOption = nullptr, *m_etaOption = nullptr;
    int m_steps = 0;
    float m_guidance = 1, m_eta = 0;
};

// --device and --precision of a run (train) or of every run (experiment).
void addDeviceOptions(CLI::App &command, std::string &device, std::string &precision);

// A run or export stopped by Ctrl+C or SIGTERM: resumable, not finished.
inline constexpr int kInterruptedExitCode = 130;

// Throws latent::Error naming the option when a number of the parsed command
// is not what it reads as: NaN or an infinity (CLI11's ranges let NaN pass),
// an integer with a leading 0 or 0x (CLI11 reads "010" as octal 8), or a
// negative value of an unsigned option (-1 would wrap to 2^64 - 1).
void requirePlainNumbers(const CLI::App &app);

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
