// SPDX-License-Identifier: MIT
#pragma once
// The paper's comparison at small scale: the same encoder and budget trained
// on real images and on several kinds of generated views, measured with the
// final protocol, plus the floors. A plan of ordinary runs in one folder, so
// an interrupted experiment resumes where it stopped.

#include "directions.h"
#include "runsummary.h"
#include "trainconfig.h"
#include "viewrecipe.h"

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
    float sigma = 0.8f; // the Gaussian views of rows e, f and g: row c's best
    int poolSize = 4;   // views per anchor in the neighbour-pool row
    TrainConfig base;   // everything else (encoder, batch, optimiser...)
};

struct ExperimentRun
{
    std::string id;    // folder name: row id, then "-s" and the seed
    std::string row;   // a, b, c, d, e, f, g
    std::string label; // what the row is
    double sigma = -1; // the Gaussian sigma of the row, -1 when none
    int seed = 1;
    TrainConfig config;
    ViewRecipe recipe;
};

// The runs of the table, in order. `base` holds the generator reference and
// the pixel augmentations every row shares; `walks` the learned steering
// walks for rows d and e.
std::vector<ExperimentRun> paperTablePlan(const ExperimentOptions &options, const ViewRecipe &base,
                                          const DirectionSet &walks);

struct ExperimentContext
{
    std::string command; // the exact command line
    std::string machine; // CPU model and cores
    std::string commit;  // the build that writes the report (runs name their own)
    double budgetMinutes = 0;
    int budgetSteps = 0; // when above 0, the budget instead of the minutes
    int seeds = 1;
};

// The results as Markdown: one line per row (mean and standard deviation of
// the final linear probe and kNN over seeds, runs finished), the floors, and
// how it was made. Rows without finished runs say so.
std::string experimentReport(const std::vector<ExperimentRun> &plan,
                             const std::vector<RunSummary> &runs, double randomProbe,
                             double randomKnn, double pixelProbe, double pixelKnn,
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
