// SPDX-License-Identifier: MIT
#pragma once
// The paper's comparison at small scale: the same encoder and budget trained
// on real images and on several kinds of generated views, measured with the
// final protocol, plus the floors. A plan of ordinary runs in one folder, so
// an interrupted experiment resumes where it stopped.

#include "eval/reportcard.h"
#include "train/runsummary.h"
#include "train/trainconfig.h"
#include "views/directions.h"
#include "views/viewrecipe.h"

#include <map>
#include <string>
#include <vector>

namespace latent {

struct ExperimentOptions
{
    // Per run, training time. 4 minutes on 2 cores: real data then clears
    // the raw-pixel floor by more than 3 points (docs/results.md).
    double budgetMinutes = 4;
    // Per run, training steps instead (0: the time budget above). Steps do
    // not depend on the machine's speed or load; the pool row then costs
    // poolSize/2 times the images of the others.
    int budgetSteps = 0;
    int seeds = 1;
    std::vector<float> sigmas{0.1f, 0.2f, 0.4f, 0.8f, 1.6f};
    // The Gaussian sigma of rows e, f and g; 0: chosen on validation, the
    // sigma of row c with the best mean validation probe once row c has
    // finished at every seed (chooseSigma).
    float sigma = 0;
    int poolSize = 4; // views per anchor in the neighbour-pool row
    // Row r (diffusion generators): re-noised views of this strength.
    float renoise = 0.3f;
    // Every generated row draws its anchors from an anchor pool of this size
    // and refresh per step (ViewRecipe::Anchors); 0: fresh anchors.
    int anchorPool = 0, anchorPoolRefresh = 0;
    // The rows to run ("a" to "g", and "r" for a diffusion generator); empty:
    // a to g.
    std::vector<std::string> rows;
    TrainConfig base; // everything else (encoder, batch, optimiser...)
    // The generator's report card against the evaluation data, in the
    // report (a generator without the data's classes: the reason instead).
    bool reportCard = true;
    ReportCardOptions card;
};

struct ExperimentRun
{
    std::string id;    // folder name: row id, then "-s" and the seed
    std::string row;   // a, b, c, d, e, f, g, r
    std::string label; // what the row is
    double sigma = -1; // the Gaussian sigma of the row, -1 when none
    int seed = 1;
    TrainConfig config;
    ViewRecipe recipe;
};

// The runs of the table, in order. `base` holds the generator reference and
// the pixel augmentations every row shares; `walks` the learned steering
// walks for rows d and e. Rows e, f and g use options.sigma, or else
// `chosenSigma`; while neither is above 0 the plan ends after row d. Throws
// Error for a row name outside a-g.
std::vector<ExperimentRun> paperTablePlan(const ExperimentOptions &options, const ViewRecipe &base,
                                          const DirectionSet &walks, float chosenSigma = 0);

// Whether the plan of `options` has `row`, rows that need the steering walks
// (d, e), and rows that wait for a chosen sigma (e, f, g without --sigma).
bool planHasRow(const ExperimentOptions &options, const std::string &row);
bool planNeedsWalks(const ExperimentOptions &options);
bool planNeedsChosenSigma(const ExperimentOptions &options);

// The sigma of row c with the highest mean final validation probe over its
// finished seeds (the first of equals); sigma 0 when no run of row c has a
// validation probe.
struct SigmaChoice
{
    float sigma = 0;
    double validationProbe = 0; // its mean, in [0, 1]
};
SigmaChoice chooseSigma(const std::vector<ExperimentRun> &plan,
                        const std::vector<RunSummary> &runs);

// Seconds left in an experiment: the current run's `currentLeft`, then each
// run still to come (by row name, "" when not planned yet) at the mean
// training time of its row's finished runs in `rowSeconds` (the seeds of a
// row cost alike, rows do not: a diffusion table's Gaussian-view row takes
// about 100x its real-data row), or at the current run's estimated total
// while its row has none; `overhead` more per run (set-up, final evaluation).
double experimentEtaSeconds(double currentLeft, double currentTotal, double overhead,
                            const std::vector<std::string> &rowsToCome,
                            const std::map<std::string, double> &rowSeconds);

// The mean training seconds (last metrics row) of each row's finished runs,
// by row name (ExperimentRun::recipe.name).
std::map<std::string, double> rowTrainingSeconds(const std::vector<ExperimentRun> &plan,
                                                 const std::vector<RunSummary> &runs);

struct ExperimentContext
{
    std::string command; // the exact command line
    std::string machine; // CPU model and cores
    std::string commit;  // the build that writes the report (runs name their own)
    double budgetMinutes = 0;
    int budgetSteps = 0; // when above 0, the budget instead of the minutes
    int seeds = 1;
    bool sigmaChosen = false;   // rows e, f, g took row c's best sigma on validation
    bool sigmaToChoose = false; // they will, once row c has finished
    std::string reportCard;     // Markdown of the generator's report card, or why there is none
    std::string generation;     // how the generated rows sampled (generator, sampler, anchor pool)
    // Not empty while runs remain: the report is a progress report, headed
    // by this paragraph (what has finished, what comes when all have).
    std::string progress;
};

// The floors of one seed (computeFloors on that seed's first run).
struct SeedFloors
{
    int seed = 1;
    Floors floors;
};

// The results as Markdown: one line per row (mean and standard deviation
// over seeds of the final validation and test probes and kNN; the paired
// per-seed difference of the test probe against row a and whether it
// exceeds twice the standard deviation of those differences; runs
// finished), the floors over seeds, and how it was made. Rows without
// finished runs say so.
std::string experimentReport(const std::vector<ExperimentRun> &plan,
                             const std::vector<RunSummary> &runs,
                             const std::vector<SeedFloors> &floors,
                             const ExperimentContext &context,
                             const std::vector<std::string> &figureFiles);

// A line chart as a PNG (OpenCV): one polyline with markers per series,
// axes with ticks, a legend. Used for the experiment's figures.
struct ChartSeries
{
    std::string name;
    std::vector<double> x, y;
    bool dashed = false; // drawn as a horizontal reference line when it has one point
};
// With `logX` (and every x above 0), x is drawn on a log scale with a tick
// at each x of the first series (a sigma sweep doubles at each step).
void writeLineChart(const std::string &path, const std::string &title, const std::string &xLabel,
                    const std::string &yLabel, const std::vector<ChartSeries> &series,
                    bool logX = false);

std::string machineDescription();

} // namespace latent
