// SPDX-License-Identifier: MIT
#pragma once

#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace latent {

// The encoder presets (core/train/encoder.h builds them): "small", "resnet18",
// "resnet50"; for the CLI's and the studio's choices.
std::vector<std::string> encoderPresetNames();

// Everything about a training run except the view recipe, saved as
// config.json in the run folder (schema in docs/training.md). Every field
// is written and required when read.
struct TrainConfig
{
    static constexpr int kSchemaVersion = 1;

    // "generator": views from the generator with the run's recipe;
    // "real": the real training images with the recipe's pixel augmentations.
    std::string data = "generator";
    std::string generator; // path of the .pt (data = generator)
    // Real datasets (data/dataset.h): "fashion-mnist", a folder (image
    // classes, CIFAR-10/100 batches or IDX files, detected) or FORMAT:PATH.
    std::string realData = "fashion-mnist";
    std::string evalData = "fashion-mnist"; // probe / kNN: real train -> real test
    bool skipUnreadable = false;            // leave undecodable images out (listed at load)
    // Image folders are stored with their shorter side at most this (0: as
    // they are; runs written before the field keep 0, so that they resume on
    // the same pixels).
    int maxShorterSide = kStoredShorterSide;

    std::string encoder = "small"; // preset: small, resnet18, resnet50
    int width = 0;                 // 0: the preset's
    // Encoder input side in pixels; 0: the generator's resolution (or, for
    // real-data runs without one, the data's natural size). Views of a large
    // generator are resized to it once per batch.
    int resolution = 0;

    int batch = 256;    // anchors per step; each gives the recipe's views per anchor
    int steps = 1000;   // step budget (setBudget)
    double minutes = 0; // time budget; 0: steps only. Whichever ends first.

    std::string optimizer = "sgd"; // sgd or adam
    double lr = 0.06;
    double momentum = 0.9;
    double weightDecay = 5e-4;
    int warmupSteps = 50;
    double temperature = 0.1;
    double baseTemperature = 0.07;

    std::uint64_t seed = 1;
    std::string device = "auto";    // auto, cpu, cuda, cuda:K (runtime.h chooseDevice)
    std::string precision = "auto"; // auto, fp32, bf16, fp16 (mixedprecision.h)
    int threads = 0;                // 0: all cores

    int probeEvery = 100;       // online probe / kNN every N steps; 0: never
    int probeTrain = 5000;      // online: images of the fit part the probes are fitted on
    int probeValidation = 2000; // online: images of the validation part they are measured on
    double validation = 0.1;    // share of each class's real train images set aside for validation
    std::uint64_t validationSeed = 1; // which ones (the same in every run of a comparison)
    int knnK = 20;
    int checkpointEvery = 100; // steps; the last step is always saved
    // Also after this many training minutes since the last checkpoint (0:
    // steps only), so that a killed slow run (a resnet on CPU, a diffusion
    // generator's views) loses minutes rather than checkpointEvery steps.
    double checkpointMinutes = 10;

    // loss: SupCon with the generator's classes when the recipe asks for
    // class positives, else SimCLR.
};

// The budget of a run, one definition for the studio, latent-cli and the
// experiment: `steps` steps (0: no step limit) and `minutes` of training
// (0: no time limit); with both, whichever ends first. A time budget alone
// is not cut short by a step count.
constexpr int kUnlimitedSteps = 100000000;
void setBudget(TrainConfig &config, int steps, double minutes);

std::string toJson(const TrainConfig &config);
TrainConfig trainConfigFromJson(const std::string &text, const std::string &pathForMessages);
TrainConfig readTrainConfig(const std::string &path);
void writeTrainConfig(const TrainConfig &config, const std::string &path); // atomic
// Throws Error naming the field when a value cannot work (e.g. a batch of 1).
void validate(const TrainConfig &config, const std::string &what);
// `config` with its generator and data sources absolute (absoluteDataSource),
// as a new run and a cluster job record them.
TrainConfig withAbsolutePaths(TrainConfig config);

} // namespace latent
