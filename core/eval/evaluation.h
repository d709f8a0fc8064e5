// SPDX-License-Identifier: MIT
#pragma once
// Measuring a representation on real labelled data: linear probes and a
// weighted kNN on frozen features. The real train split is divided into a
// fit part and a validation part (stratified, seeded), unless the dataset
// has a val split of its own: probes are fitted on the fit part, choices are
// made on validation, test is reported.

#include "data/dataset.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

class EncoderImpl;

// The validation part of a real train split: `fraction` of each class's
// training images, drawn with `seed` (the same for every run of a table, so
// that runs are selected on the same images).
struct ValidationSplit
{
    double fraction = 0.1;
    std::uint64_t seed = 1;
};
// Where a run's validation images came from, as recorded (EvalData::validationPart).
inline constexpr const char *kOwnValidationPart = "the dataset's val split";
inline constexpr const char *kCarvedValidationPart = "carved from train";

// Stratified: `split.fraction` of each class's images in `train`, rounded,
// drawn with `split.seed`; each class keeps at least one image out of it.
// Returns {the rest, the validation part}: sorted CPU int64 indices into
// `train`. The probes and the report card's validation mode use it.
std::pair<at::Tensor, at::Tensor> carveValidation(const ImageStore &train, int numClasses,
                                                  const ValidationSplit &split);
// The fewest images of a class that carveValidation takes one from (for
// the message when it takes none).
int fewestImagesForValidation(const ValidationSplit &split);

// The real train and test splits of a dataset, shaped per batch for an
// encoder that takes `channels` x `resolution` x `resolution` images
// (shapeImages: small images centred on black, larger ones resized and
// centre-cropped, grey and RGB converted as needed), and the train split's
// fit and validation parts.
class EvalData
{
public:
    // Throws Error when the dataset cannot be probed (requireProbeable).
    EvalData(std::shared_ptr<const Dataset> data, int channels, int resolution,
             const ValidationSplit &validation = {});
    ~EvalData();
    EvalData(const EvalData &) = delete;
    EvalData &operator=(const EvalData &) = delete;

    const Dataset &dataset() const;
    const ImageStore &train() const;
    const ImageStore &test() const;
    // Indices [n] int64: the probes' fit part, into train(), and the
    // validation part, into validationSplit(). Without a val split of its
    // own, both index train (disjoint, together the whole split; each class
    // keeps at least one image in the fit part); with one, the fit part is
    // all of train and the validation part all of val.
    const at::Tensor &fitIndices() const;
    const at::Tensor &validationIndices() const;
    const ImageStore &validationSplit() const;
    bool ownValidation() const; // the dataset's val split is the validation part
    // kOwnValidationPart or kCarvedValidationPart, as runs and encoders record it.
    const char *validationPart() const;
    // "fit F, validation V, test T" images, for a run's provenance.
    std::string splitsText() const;
    const ValidationSplit &validation() const;
    // Images `indices` [B] of a split as float32 [B, channels, resolution, resolution] in [0, 1].
    at::Tensor images(const ImageStore &split, const at::Tensor &indices) const;
    int channels() const;
    int resolution() const;
    int numClasses() const;
    const std::string &source() const;

private:
    struct Impl;
    Impl *d;
};

// The encoder input side for real-data runs without a generator: the
// dataset's largest image side rounded up to a multiple of 8 (28 -> 32),
// at most 128 (larger images are resized down to it).
int naturalResolution(const Dataset &data);

// Called with the images encoded so far and the total.
using EncodeProgress = std::function<void(std::int64_t done, std::int64_t total)>;

// Accuracies in [0, 1]; NaN where not measured (online evaluations measure
// validation only). "probe" is the linear probe on 2x2-pooled features,
// "probeGlobal" on globally pooled ones (the exported encoder's forward).
struct EvalResult
{
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    double probe = kNone, knn = kNone, probeGlobal = kNone;          // test
    double valProbe = kNone, valKnn = kNone, valProbeGlobal = kNone; // validation
};

// The kNN of the reports: DINO's and solo-learn's protocol (cosine
// similarity, the k nearest fit features vote with weight exp(sim / 0.07);
// k = 20 by default).
constexpr double kKnnTemperature = 0.07;
// The linear probe: multinomial logistic regression on standardised
// features, full-batch L-BFGS (strong Wolfe line search) with an L2 penalty.
constexpr int kProbeIterations = 200;
constexpr double kProbeL2 = 1e-4;
constexpr int kProbeHistory = 20; // L-BFGS history size

// The probes' settings as a run recorded them (RunSession::protocol, the
// evaluationProtocolJson text), or this build's for runs from before they
// were recorded (`recorded` false).
struct ProbeSettings
{
    int iterations = kProbeIterations;
    double l2 = kProbeL2;
    double knnTemperature = kKnnTemperature;
    bool recorded = false;
};
ProbeSettings probeSettingsOf(const std::string &protocolJson); // "": this build's

// The protocol in words, from a run's settings: the data, the validation
// part, the probes and the kNN, for reports.
// `validationPart`: as the run recorded it ("" for runs from before it did:
// carved from train, as they all were).
std::string describeProtocol(const std::string &evalData, const ValidationSplit &validation, int k,
                             const std::string &validationPart = "",
                             const ProbeSettings &probes = {});

// The protocol of the final evaluation as JSON text, for the exported
// encoder: the data (source, format, path, classes), the input shape, the
// validation part, the probe's and the kNN's settings.
std::string evaluationProtocolJson(const EvalData &data, int k);

// Probe features [N, 4F] float32 (CPU) of images `indices` [N] of `split`
// (EncoderImpl::probeFeatures) in inference mode, shaped and encoded `batch`
// at a time, so memory holds one batch of pixels; with `global`, also the
// globally pooled features [N, F] there (what the exported encoder's
// forward returns; the four 2x2 cells overlap on an odd feature map, so
// their mean is not it). Throws Cancelled (directions.h) when `cancel` is set.
at::Tensor encodeImages(EncoderImpl &encoder, const EvalData &data, const ImageStore &split,
                        const at::Tensor &indices, int batch = 512,
                        const std::atomic<bool> *cancel = nullptr,
                        const EncodeProgress &progress = {}, at::Tensor *global = nullptr);

// Multinomial logistic regression on standardised features (L-BFGS, full
// batch): fitted once, measured on any number of feature sets.
class LinearProbe
{
public:
    LinearProbe(const at::Tensor &trainX, const at::Tensor &trainY, int numClasses,
                double l2 = kProbeL2);
    ~LinearProbe();
    double accuracy(const at::Tensor &x, const at::Tensor &y) const;

private:
    struct Fit;
    std::unique_ptr<Fit> m_fit;
};
// LinearProbe(trainX, trainY).accuracy(testX, testY).
double linearProbeAccuracy(const at::Tensor &trainX, const at::Tensor &trainY,
                           const at::Tensor &testX, const at::Tensor &testY, int numClasses);

// Weighted kNN (kKnnTemperature): cosine similarity, the k nearest
// training features vote with weight exp(sim / 0.07).
double knnAccuracy(const at::Tensor &trainX, const at::Tensor &trainY, const at::Tensor &testX,
                   const at::Tensor &testY, int numClasses, int k);

// Online (nFit > 0): probes and kNN fitted on the first nFit images of the
// fit part, measured on the first nValidation of the validation part (each
// the first n of a permutation fixed by its size, the same for every run);
// test is not touched. Final (nFit <= 0): fitted on the whole fit part,
// measured on the whole validation part and the test split. `progress`
// counts the images encoded.
EvalResult evaluateEncoder(EncoderImpl &encoder, const EvalData &data, int nFit, int nValidation,
                           int k, const std::atomic<bool> *cancel = nullptr,
                           const EncodeProgress &progress = {});

// The linear probe's L2 penalty chosen on validation, for a run whose
// reports used the fixed kProbeL2: each penalty of `grid` fitted on the fit
// part's 2x2-pooled features and measured on the validation part; test
// measured once at the chosen penalty (the best validation accuracy, the
// smaller penalty on a tie) and once at kProbeL2, to say what choosing
// changes. `progress` counts the images encoded.
struct ProbeL2Choice
{
    std::vector<double> grid, validation; // validation accuracy per penalty
    double chosen = 0;
    double testChosen = EvalResult::kNone, testFixed = EvalResult::kNone;
    double validationFixed = EvalResult::kNone;
};
ProbeL2Choice chooseProbeL2(EncoderImpl &encoder, const EvalData &data,
                            const std::vector<double> &grid,
                            const std::atomic<bool> *cancel = nullptr,
                            const EncodeProgress &progress = {});
// Decades from 1e-6 to 1e-2, around kProbeL2.
std::vector<double> defaultProbeL2Grid();
// Two lines: validation per penalty; test at the chosen one and at kProbeL2.
std::string describeProbeL2Choice(const ProbeL2Choice &choice);

// A 2-D PCA projection of the features of the first n validation images of
// the fixed permutation: x, y [n], labels [n], and the images' indices in
// EvalData::validationSplit().
struct Embedding2d
{
    std::vector<float> x, y;
    std::vector<int> labels;
    std::vector<int> indices;
};
Embedding2d pcaEmbedding(EncoderImpl &encoder, const EvalData &data, int n);

// The raw-pixel floor with the final protocol: pixels as features (the
// encoder's input, reduced to at most 32x32 so that large inputs stay
// tractable); probeGlobal is not defined for pixels.
EvalResult evaluatePixels(const EvalData &data, int k);

} // namespace latent
