// SPDX-License-Identifier: MIT
#pragma once
// The generator report card: how well a generator stands in for a real
// labelled dataset, measured with a small CNN classifier trained on the real
// images (cached per dataset). It tells a bad generator from a bad encoder:
//  - fidelity: the real-trained classifier labels generated samples as their
//    conditioning class (conditional generators);
//  - CAS, classification accuracy score: the same classifier architecture
//    trained only on generated samples, tested on the real test split, beside
//    the real-trained one's accuracy (conditional generators);
//  - a Frechet distance between generated and real test images in the
//    real-trained classifier's penultimate features, beside real training
//    images held out of the classifier's training vs real test (every
//    generator);
//  - per-class figures, and a grid of generated samples each followed by its
//    nearest real training images in those features.

#include "data/dataset.h"
#include "generators/generator.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace latent {

struct ReportCardOptions
{
    int samples = 10000;  // generated images for fidelity and the Frechet distance
    int casImages = 0;    // generated images the CAS classifier trains on; 0: as many as the
                          // real-trained classifier's
    int epochs = 2;       // passes over the training images, for both classifiers
    float truncation = 0; // of the latents (0: none)
    std::uint64_t seed = 1;
    // Where the real-trained classifier is cached, one file per dataset and
    // settings; empty: not cached.
    std::string cacheDir;
    int nearestRows = 6, nearestNeighbours = 5;
    // Where the real-trained classifier, CAS and the Frechet distance are
    // measured: the test split, or the probes' validation part (the
    // dataset's val split, else ValidationSplit's defaults: the classifier
    // then trains on the rest of train). Choices about a generator (its sampler's steps
    // and guidance, its truncation) are made on validation; test is for
    // the figures reported.
    bool onValidation = false;
};

struct ReportCardClass
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    std::string name;
    double fidelity = kNone;   // share of its generated samples classified as it
    double casRecall = kNone;  // real test images of the class the CAS classifier gets right
    double realRecall = kNone; // the same for the real-trained classifier
};

struct ReportCard
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    std::string generator, data; // as named by the caller
    bool conditional = false;
    int classifierSide = 0; // the classifier's input side (the generator's, at most 64)
    int channels = 0;
    int samples = 0, casImages = 0, realTrain = 0, realTest = 0, epochs = 0;
    float truncation = 0;
    std::string sampling;   // diffusion: the sampler's settings in words; empty for a GAN
    std::string dataImages; // the data's splits as read: "train N, val M, test K"
    std::uint64_t seed = 0;
    bool onValidation = false;   // "test" below then means the probes' validation part:
    bool ownValidation = false;  // the dataset's val split, else carved from train
    double realAccuracy = kNone; // the real-trained classifier on real test
    double fidelity = kNone, cas = kNone;
    double frechet = kNone;          // generated vs real test
    double frechetReference = kNone; // held-out real train vs real test, as many images
    int frechetImages = 0;           // generated images compared
    int frechetReferenceImages = 0;  // held-out real images compared
    std::vector<ReportCardClass> classes;
    std::vector<std::string> warnings;
    bool classifierFromCache = false;
    // Rows of 1 + nearestNeighbours images at the classifier's side
    // (classifierSide: the generator's, at most 64 px): a generated sample,
    // then its nearest real training images.
    ImageBatch nearest;
    int nearestColumns = 0;
};

// Called with what is being done and the fraction of the whole card done.
using ReportCardProgress = std::function<void(const std::string &stage, double fraction)>;

// Throws Error when the data cannot be used (unlabelled, no test split,
// another number of classes than a conditional generator) and Cancelled
// (directions.h) when `cancel` is set.
ReportCard computeReportCard(const Generator &generator, const Dataset &data,
                             const ReportCardOptions &options,
                             const std::atomic<bool> *cancel = nullptr,
                             const ReportCardProgress &progress = {});

// The card as Markdown (a table of the figures with their references, the
// per-class table, how it was measured) and as JSON.
std::string reportCardMarkdown(const ReportCard &card, const std::string &nearestImage = {});
std::string reportCardJson(const ReportCard &card);
// Writes report-card.md, report-card.json and nearest.png into `dir`.
void writeReportCard(const ReportCard &card, const std::string &dir);

// Why the card writeReportCard left as `jsonPath` does not stand for the one
// computeReportCard(generator, data, options) would measure now, as "other
// samples, sampler, ..." ("" when it does: it can be shown as it is). Cards
// from before the data's splits and the seed were recorded are compared
// without them; a diffusion card from before its sampler was recorded is
// measured again. `dataName`: the data as the caller named it (ReportCard::data).
std::string reportCardDifference(const std::string &jsonPath, const Generator &generator,
                                 const Dataset &data, const std::string &dataName,
                                 const ReportCardOptions &options);

// $XDG_CACHE_HOME/latent-studio/classifiers, or ~/.cache/latent-studio/classifiers.
std::string defaultClassifierCacheDir();

} // namespace latent
