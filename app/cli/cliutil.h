// SPDX-License-Identifier: MIT
#pragma once
// Small pieces the latent-cli commands share.

#include <string>

namespace latent {
class Trainer;
}

namespace cli {

std::string formatDuration(double seconds); // "1h02m", "3m07s"; "--" when unknown
std::string formatPercent(double fraction); // "84.46%"; "--" for NaN

// Starts the trainer and waits until it has finished, stopped or failed.
// Ctrl+C (SIGINT) and SIGTERM stop it between two steps, with a checkpoint;
// returns true when that happened.
bool trainUntilDone(latent::Trainer &trainer);

} // namespace cli
