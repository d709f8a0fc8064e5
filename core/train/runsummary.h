// SPDX-License-Identifier: MIT
#pragma once
// What a run folder holds, read back for lists, overlays and reports.

#include "provenance.h"
#include "train/trainconfig.h"
#include "train/trainer.h"
#include "views/recipeversions.h"

#include <string>
#include <utility>
#include <vector>

namespace latent {

struct RunSummary
{
    std::string dir;
    std::string name;                   // the folder's name
    std::string recipeName;             // of version 1 (recipe.json)
    std::vector<RecipeVersion> recipes; // version 1, then each change (recipeversions.h)
    RunStatus status;
    // The status says running or paused but no trainer holds the folder: its
    // process was killed (a run that ends writes its final state).
    bool interrupted = false;
    TrainConfig config;
    std::vector<MetricRow> metrics;
    std::vector<RunSession> sessions; // who trained it (provenance.jsonl)
    double finalProbe = MetricRow::kNone, finalKnn = MetricRow::kNone; // test
    double finalProbeGlobal = MetricRow::kNone;
    double finalValProbe = MetricRow::kNone, finalValKnn = MetricRow::kNone;
    double finalValProbeGlobal = MetricRow::kNone;
    double onlineProbe = MetricRow::kNone, onlineKnn = MetricRow::kNone; // the last online row
};

// An evaluation row in words, e.g. "validation: linear probe 85.10% (global
// pool 83.02%), kNN 84.00% | test: ..."; online rows have validation only,
// rows of older runs probe and kNN only.
std::string describeEvaluation(const MetricRow &row);

// Throws Error naming the file and the problem (missing, half written,
// malformed) when the folder is not a readable run.
RunSummary readRunSummary(const std::string &runDir);
// A folder with a run's config.json or status.json: a run, readable or not
// (a dataset export or a report beside the runs is neither).
bool isRunFolder(const std::string &dir);

// A report of one run: config, recipe, the metrics table (evaluations and
// every 10th training step) and the figures given as (caption, file name
// relative to the report). Markdown, or a self-contained HTML page.
enum class ReportFormat { Markdown, Html };
std::string runReport(const RunSummary &run,
                      const std::vector<std::pair<std::string, std::string>> &figures,
                      ReportFormat format);

} // namespace latent
