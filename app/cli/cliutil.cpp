// SPDX-License-Identifier: MIT
#include "cliutil.h"

#include "error.h"
#include "generators/generator.h"
#include "runtime.h"
#include "train/trainer.h"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <unistd.h>

namespace cli {
namespace {
std::atomic<bool> g_interrupted{false};
}

std::string formatPercent(double fraction)
{
    if (std::isnan(fraction)) return "--";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f%%", 100 * fraction);
    return buf;
}

void addDeviceOptions(CLI::App &command, std::string &device, std::string &precision)
{
    command.add_option("--device", device, "auto, cpu, cuda or cuda:K")
        ->check(
            [](const std::string &value) {
                return latent::isDeviceSetting(value)
                           ? std::string()
                           : "expected auto, cpu, cuda or cuda:K, got " + value;
            },
            "DEVICE")
        ->capture_default_str();
    command
        .add_option("--precision", precision,
                    "auto (bf16 where the device has native bfloat16, else fp32 on a CPU and "
                    "fp16 on older GPUs), fp32, bf16, fp16")
        ->check(CLI::IsMember({"auto", "fp32", "bf16", "fp16"}))
        ->capture_default_str();
}

void requirePlainNumbers(const CLI::App &app)
{
    for (const CLI::Option *option : app.get_options()) {
        if (option->count() == 0) continue;
        const std::string type = option->get_type_name(); // "FLOAT", "INT:..." (with checks)
        const bool real = type.rfind("FLOAT", 0) == 0, whole = type.rfind("INT", 0) == 0,
                   natural = type.rfind("UINT", 0) == 0;
        for (const std::string &value : option->results()) {
            const auto refuse = [&](const char *expected) {
                return latent::Error(app.get_name() + " " + option->get_name() + " is " + value +
                                     "; expected " + expected);
            };
            if (real && !std::isfinite(std::strtod(value.c_str(), nullptr)))
                throw refuse("a finite number");
            const std::string digits =
                value.substr(!value.empty() && (value[0] == '-' || value[0] == '+'));
            if ((whole || natural) && digits.size() > 1 && digits[0] == '0')
                throw refuse("a decimal integer without a leading 0 (CLI11 would read it as "
                             "octal or hexadecimal)");
            if (natural && !value.empty() && value[0] == '-')
                throw refuse("an integer of 0 or more");
        }
    }
    for (const CLI::App *command : app.get_subcommands())
        requirePlainNumbers(*command);
}

void SamplerOptions::add(CLI::App &command)
{
    m_stepsOption = command.add_option("--sampler-steps", m_steps,
                                       "diffusion: DDIM steps (default: the generator's own)");
    m_guidanceOption = command.add_option(
        "--guidance", m_guidance,
        "diffusion: classifier-free guidance scale (1: none; default: the generator's own)");
    m_etaOption = command.add_option(
        "--eta", m_eta, "diffusion: DDIM eta, 0 deterministic (default: the generator's own)");
}

void SamplerOptions::apply(const latent::Generator &generator) const
{
    const bool steps = m_stepsOption->count() > 0, guidance = m_guidanceOption->count() > 0,
               eta = m_etaOption->count() > 0;
    if (!steps && !guidance && !eta) return;
    latent::SamplerSettings s = generator.samplerSettings();
    if (steps) s.steps = m_steps;
    if (guidance) s.guidance = m_guidance;
    if (eta) s.eta = m_eta;
    generator.setSamplerSettings(s); // throws for a GAN, or naming what is out of range
}

void CountProgress::operator()(const std::string &label, std::int64_t done, std::int64_t total)
{
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (label != m_label) {
        m_label = label;
        m_start = now;
        m_lastTenth = -1;
    }
    const bool tty = ::isatty(STDERR_FILENO);
    const bool last = done >= total;
    const int tenth = total > 0 ? int(10 * done / total) : 10;
    if (tty ? now - m_last < std::chrono::milliseconds(200) && !last : tenth == m_lastTenth) return;
    m_last = now;
    m_lastTenth = tenth;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double eta = done > 0 ? elapsed * double(total - done) / double(done) : 0;
    const int width = 20, filled = total > 0 ? int(width * done / total) : width;
    std::cerr << (tty ? "\r" : "") << label << ": " << done << "/" << total << " images ["
              << std::string(std::size_t(filled), '=')
              << std::string(std::size_t(width - filled), ' ') << "] "
              << (last ? "done in " + formatDuration(elapsed) : "ETA " + formatDuration(eta))
              << (tty && !last ? "" : "\n") << std::flush;
}

bool trainUntilDone(latent::Trainer &trainer)
{
    std::signal(SIGINT, [](int) { g_interrupted = true; });
    std::signal(SIGTERM, [](int) { g_interrupted = true; });
    trainer.start();
    bool interrupted = false;
    while (true) {
        const auto s = trainer.state();
        if (s == latent::RunState::Finished || s == latent::RunState::Stopped ||
            s == latent::RunState::Failed)
            break;
        if (g_interrupted.exchange(false)) {
            interrupted = true;
            trainer.stop();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    trainer.wait();
    return interrupted;
}

} // namespace cli
