// SPDX-License-Identifier: MIT
#pragma once
// The trainer's evaluation part: what a run measures on real data (rank 0
// only). Probes and kNN at each evaluation, the 2-D embedding of validation
// images, the floors, and the protocol the exported encoder carries.
// Internal to core.

#include "eval/evaluation.h"
#include "train/trainer.h"

#include <atomic>
#include <memory>
#include <string>

namespace latent {

class RunEvaluator
{
public:
    RunEvaluator(std::shared_ptr<EvalData> data, const TrainConfig &config);

    const EvalData &data() const { return *m_data; }

    // kind "online": fitted on fixed subsets of the fit part, measured on a
    // fixed subset of validation only; "final": the whole fit part,
    // validation and test. A row of metrics for step `step` at `wall`
    // training seconds. Throws Cancelled when `cancel` is set.
    MetricRow measure(EncoderImpl &encoder, const std::string &kind, int step, double wall,
                      const std::atomic<bool> *cancel = nullptr,
                      const EncodeProgress &progress = {}) const;
    // The first kEmbeddingPoints validation images placed by a PCA of their features.
    EmbeddingSnapshot embedding(EncoderImpl &encoder, const std::string &kind, int step) const;
    // The floors of the final protocol: `fresh` is a random-init encoder of
    // the run's architecture. Read from `cacheFile` when it holds this
    // protocol's floors, else measured and written there.
    Floors floors(EncoderImpl &fresh, const std::string &cacheFile) const;
    // The final protocol as JSON text (evaluationProtocolJson).
    std::string protocolJson() const;

    static constexpr int kEmbeddingPoints = 1000;

private:
    std::shared_ptr<EvalData> m_data;
    int m_probeTrain = 0, m_probeValidation = 0, m_knnK = 20;
};

} // namespace latent
