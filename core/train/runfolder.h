// SPDX-License-Identifier: MIT
#pragma once
// The run folder: the files a training run writes, the interface between
// the engine and the UI (a run trained by the CLI shows up in the studio as
// it is). Writes are atomic (status) or append-only (metrics).

#include <limits>
#include <string>
#include <vector>

namespace latent {

// One row of metrics.csv / metrics.jsonl. Training rows have loss, lr and
// images/s; evaluation rows have accuracies in [0, 1] (evaluation.h):
// "online" rows, during training, the validation ones on subsets; the
// "final" row, at the end, validation and test on the whole splits. Rows of
// runs made before the validation split have probe and kNN only (online:
// on test subsets).
struct MetricRow
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    std::string kind = "train"; // train, online, final
    int step = 0;
    double loss = kNone;
    double lr = kNone;
    double imagesPerSecond = kNone; // views through the encoder per second
    double probe = kNone;           // test: linear probe on 2x2-pooled features
    double knn = kNone;             // test: kNN
    double probeGlobal = kNone;     // test: linear probe on globally pooled features
    double valProbe = kNone, valKnn = kNone, valProbeGlobal = kNone; // validation
    double wallSeconds = 0; // training time so far (pauses excluded)
    // Train rows: the fingerprint of the batch the step trained on
    // (batchsource.h batchFingerprint); empty in runs made before it was kept.
    std::string batchSha256;

    // What an online curve plots: validation, or test for older runs.
    double onlineProbe() const { return valProbe == valProbe ? valProbe : probe; }
    double onlineKnn() const { return valKnn == valKnn ? valKnn : knn; }
};

enum class RunState { Created, Running, Paused, Stopped, Finished, Failed };
const char *toString(RunState state);

// What the run folder says about a run (status.json), for lists and resumes.
struct RunStatus
{
    RunState state = RunState::Created;
    int step = 0;
    int totalSteps = 0;
    std::string message; // why it stopped or failed; empty otherwise
};

// Files of a run folder.
struct RunFiles
{
    std::string dir;
    std::string config() const { return dir + "/config.json"; }
    std::string recipe() const { return dir + "/recipe.json"; }
    std::string status() const { return dir + "/status.json"; }
    std::string metricsCsv() const { return dir + "/metrics.csv"; }
    std::string metricsJsonl() const { return dir + "/metrics.jsonl"; }
    std::string checkpoint() const { return dir + "/checkpoint.pt"; }
    std::string encoder() const { return dir + "/encoder.pt"; }
    std::string floors() const { return dir + "/floors.json"; }
    // The anchor pool's rendered images while the run trains (AnchorPool).
    std::string anchorPool() const { return dir + "/anchor-pool"; }
};

// The folder holds a run once its status.json exists: creating a run writes
// it last, so that a creation killed (or out of disk space) before then
// leaves a folder that is created again rather than one that can be neither
// resumed nor recreated.
bool holdsRun(const std::string &runDir);

RunStatus readRunStatus(const std::string &runDir);
// Rows of metrics.jsonl; a torn last line (a run killed mid-write) is ignored.
std::vector<MetricRow> readMetrics(const std::string &runDir);

void writeRunStatus(const RunFiles &files, const RunStatus &status);
// metrics.csv and metrics.jsonl holding `rows` only (atomic).
void rewriteMetrics(const RunFiles &files, const std::vector<MetricRow> &rows);
void appendMetric(const RunFiles &files, const MetricRow &row);
// The folder or one of its run files is gone (deleted or moved while a run wrote to it).
bool runFolderGone(const RunFiles &files);

} // namespace latent
