// SPDX-License-Identifier: MIT
#pragma once
// A good run folder for the bad-input corpus to damage one file at a time:
// the default generator, stopped at step 2 of 4 with a checkpoint, evaluated
// on a small copy of Fashion-MNIST.

#include "smalldataset.h"
#include "trainer.h"
#include "viewrecipe.h"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace latent::test {

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
    ViewRecipe recipe;
    recipe.name = "test";
    recipe.generator = {"fashion-cgan.pt", sha256OfFile(LATENT_DEFAULT_GENERATOR)};
    auto trainer = Trainer::create(runDir, c, recipe);
    Trainer *raw = trainer.get();
    TrainObserver observer;
    observer.progress = [raw](const TrainProgress &p) {
        if (p.step == 2) raw->stop(); // acts before step 3
    };
    trainer->setObserver(observer);
    trainer->start();
    trainer->wait();
    if (trainer->state() != RunState::Stopped || trainer->step() != 2)
        throw std::runtime_error("the corpus's good run did not stop at step 2: " +
                                 trainer->message());
}

} // namespace latent::test
