// SPDX-License-Identifier: MIT
#pragma once
// A good run folder for the bad-input corpus to damage one file at a time:
// the default generator, stopped at step 2 of 4 with a checkpoint, evaluated
// on a small copy of Fashion-MNIST.

#include "smalldataset.h"
#include "train/trainer.h"
#include "views/viewrecipe.h"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace latent::test {

// Trains a run of the default generator with `config` in `runDir` and stops
// it after step `stopAt` (with a checkpoint). Throws if it did not stop there.
inline void trainAndStop(const std::string &runDir, const TrainConfig &config, int stopAt)
{
    ViewRecipe recipe;
    recipe.name = "test";
    recipe.generator = {"fashion-cgan.pt", sha256OfFile(LATENT_DEFAULT_GENERATOR)};
    auto trainer = Trainer::create(runDir, config, recipe);
    Trainer *raw = trainer.get();
    TrainObserver observer;
    observer.progress = [raw, stopAt](const TrainProgress &p) {
        if (p.step == stopAt) raw->stop(); // acts before the next step
    };
    trainer->setObserver(observer);
    trainer->start();
    trainer->wait();
    if (trainer->state() != RunState::Stopped || trainer->step() != stopAt)
        throw std::runtime_error("the test run did not stop at step " + std::to_string(stopAt) +
                                 ": " + trainer->message());
}

// The corpus's good run: stopped at step 2 of 4, on a 500/200-image copy of
// Fashion-MNIST written to `dataDir`.
inline void writeStoppedRun(const std::string &runDir, const std::string &dataDir)
{
    std::filesystem::create_directories(dataDir);
    writeSmallDataset(dataDir, 500, 200);
    TrainConfig c;
    c.generator = LATENT_DEFAULT_GENERATOR;
    c.evalData = dataDir;
    c.batch = 16;
    c.steps = 4;
    c.warmupSteps = 0;
    c.probeEvery = 0;
    c.checkpointEvery = 2;
    c.precision = "fp32";
    trainAndStop(runDir, c, 2);
}

} // namespace latent::test
