// SPDX-License-Identifier: MIT
#include "cliutil.h"

#include "trainer.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <thread>

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
