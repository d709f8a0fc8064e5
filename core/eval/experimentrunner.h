// SPDX-License-Identifier: MIT
#pragma once
// Runs the paper-table plan (core/eval/experiment.h) in one folder: every run that
// is not finished yet (an interrupted one resumes from its checkpoint), then
// the floors, the Markdown table and the two figures. The CLI's
// `experiment paper-table` and the studio's experiment preset both drive it.

#include "eval/experiment.h"
#include "train/trainer.h"

#include <functional>
#include <memory>
#include <string>

namespace latent {

struct ExperimentProgress
{
    int index = 0; // the run in the plan, from 0
    int count = 0; // runs in the plan
    std::string runId;
    TrainProgress train;
    double etaSeconds = 0; // the whole experiment, from the budget and the measured overhead
};

struct ExperimentEvents
{
    std::function<void(const std::string &line)> log; // what happens, for people
    std::function<void(const ExperimentProgress &)> progress;
};

struct ExperimentResult
{
    bool completed = false; // false: stopped; running it again resumes
    std::string reportPath; // results.md, when completed
    std::string report;
};

class ExperimentRunner
{
public:
    // options.base.generator must name the generator file. `walkOptions`
    // sets how rows d and e learn their walks, once per folder (walks.json);
    // without transforms: zoom, shift x and shift y.
    ExperimentRunner(std::string outDir, ExperimentOptions options, SteerOptions walkOptions = {});
    ~ExperimentRunner();

    void setEvents(ExperimentEvents events);
    // Blocks until the experiment is complete or stop() ends it. `command`
    // is written into the report as the way to reproduce it. Throws Error on
    // bad input (generator, folder).
    ExperimentResult run(const std::string &command);
    // Thread-safe: the run in progress stops between two steps, with a
    // checkpoint; nothing after it starts.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace latent
