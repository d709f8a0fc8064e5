// SPDX-License-Identifier: MIT
#pragma once
// Replaying a training step: the batch a run trained on at step s, made
// again from the run's config, recipe and seed alone (batches are a pure
// function of them), and checked against the fingerprint the run recorded
// for that step (metrics' batch_sha256). "What did the encoder see when the
// loss jumped?"

#include "generators/generator.h"

#include <string>
#include <vector>

namespace latent {

struct ReplayOptions
{
    std::string generator; // another generator file than the run's (its config's)
    int maxAnchors = 0;    // anchors of the batch kept in `views`; 0: all
};

struct BatchReplay
{
    int step = 0;
    int anchors = 0;        // of the step's global batch
    int viewsPerAnchor = 0; // columns of one anchor's group
    // The first min(anchors, maxAnchors) anchors' views, anchor by anchor:
    // image a * viewsPerAnchor + v is view v of anchor a.
    ImageBatch views;
    std::string recorded; // the run's batch_sha256; "" for runs made before it was kept
    std::string replayed; // the same fingerprint of the batch made again
    // Inputs that differ from what the run recorded for the session that
    // trained the step (generator file, recipe, build, device), each a sentence.
    std::vector<std::string> differences;

    bool matches() const { return !recorded.empty() && recorded == replayed; }
    // One line: "matches the batch trained at step 512", or what differs.
    std::string verdict() const;
};

// Throws Error naming the file or the step when the run cannot be replayed
// (no such training step, unreadable config or recipe, missing generator).
BatchReplay replayBatch(const std::string &runDir, int step, const ReplayOptions &options = {});

} // namespace latent
