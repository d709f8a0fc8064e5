// SPDX-License-Identifier: MIT
#pragma once
// Small pieces the latent-cli commands share.

#include "durationtext.h"

#include <string>

namespace latent {
class Trainer;
}

namespace cli {

using latent::formatDuration;               // core/durationtext.h
std::string formatPercent(double fraction); // "84.46%"; "--" for NaN

// Starts the trainer and waits until it has finished, stopped or failed.
// Ctrl+C (SIGINT) and SIGTERM stop it between two steps, with a checkpoint;
// returns true when that happened.
bool trainUntilDone(latent::Trainer &trainer);

} // namespace cli
