// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generator.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

// Called with progress in [0, 1] and a short status ("step 40/200, loss
// 0.031"); returning false cancels the work, which then throws Cancelled.
using Progress = std::function<bool(float fraction, const std::string &status)>;

class Cancelled : public std::runtime_error
{
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

// Named latent directions with a record of how they were found.
struct DirectionSet
{
    std::string name;
    std::string method; // "sefa", "pca", "steer", "random"
    std::map<std::string, std::string> params;
    int latentSize = 0;
    std::vector<std::string> labels; // one per direction
    // SeFa: eigenvalue; PCA: explained variance ratio; steer: final masked
    // MSE; random: 0.
    std::vector<double> scores;
    // [K][latentSize]. Unit length, except learned walks, whose length is
    // part of the walk (z' = z + alpha * w with alpha in the transform's units).
    std::vector<std::vector<float>> vectors;

    int size() const { return static_cast<int>(vectors.size()); }
    int indexOf(const std::string &label) const; // -1 when absent
};

// SeFa (closed form): top-k eigenvectors of A^T A for the first projection
// weight A [out, latent] (columns normalised): a linear layer's [out, in], or
// a transposed convolution's [in, out, kh, kw] taking z as [N, latent, 1, 1]
// (DCGAN), flattened to [out * kh * kw, latent]. `parameter` names the
// weight; empty picks the first whose input size (channels) equals the latent
// size, else the first where it is larger (z joined with a class embedding),
// using its first latentSize inputs. Throws Error when no weight fits, and for
// a diffusion model.
DirectionSet sefaDirections(const Generator &generator, int k, const std::string &parameter = {});
// SeFa's eigendecomposition is latent x latent in double precision: 512 MiB
// and tens of seconds at this size.
constexpr int kMaxSefaLatent = 8192;
// The parameters SeFa can use, in module order (none for a diffusion model).
std::vector<std::string> sefaCandidates(const Generator &generator);

// GANSpace-style PCA: `samples` latents, PCA of the generated images
// [N, C*H*W], then each component's latent direction by least squares
// (z ~ coefficients * B). Scores: explained variance ratio.
DirectionSet pcaDirections(const Generator &generator, int k, int samples, std::uint64_t seed,
                           const Progress &progress = {});

DirectionSet randomDirections(int latentSize, int k, std::uint64_t seed);

// Pixel-space edits that learned walks imitate ("On the steerability of GANs").
enum class SteerTransform { Zoom, ShiftX, ShiftY, Rotation, Brightness, Contrast };
std::string toString(SteerTransform t);
SteerTransform steerTransformFromString(const std::string &name); // throws Error
// The alpha range a walk is trained on: zoom alpha = log scale in
// [log 0.25, log 4]; shifts in [-1, 1] quarter-widths; rotation in [-1, 1]
// x 45 degrees; brightness and contrast in [-0.5, 0.5].
std::pair<float, float> alphaRange(SteerTransform t);

// edit(images, alpha) for images [N, C, H, W] in [-1, 1] and alpha [N];
// `mask` receives [N, 1, H, W] with 1 where the edit is defined.
at::Tensor applyEdit(const at::Tensor &images, SteerTransform t, const at::Tensor &alpha,
                     at::Tensor *mask = nullptr);

struct SteerOptions
{
    std::vector<SteerTransform> transforms;
    int steps = 500;
    int batch = 16;
    // 1e-2 rather than the paper's 1e-3: with a few hundred CPU steps 1e-3
    // barely moves w (docs/view-recipe.md has the measurement).
    double learningRate = 1e-2;
    std::uint64_t seed = 0;
    // Diffusion generators: the DDIM steps of the sampler a walk is learned
    // through (its guidance and eta are the generator's); 0: the
    // generator's own steps. Time and memory per step are proportional to
    // it, and x_T -> image is one ODE whatever the step count, so a walk
    // learned through a few steps moves the images of a finer sampler alike.
    int samplerSteps = 0;
    // Refuse to start when a step's backward pass would keep more than this
    // (estimateWalkMemory); 0: the memory the system has available now.
    std::size_t memoryLimit = 0;
};

// What one step of learnSteeringWalks keeps for its backward pass, measured
// on this generator rather than guessed: the heap grown by one image through
// it with autograd (a diffusion model: through a one-step sampler, as each
// of its denoiser calls keeps as much again), times the batch and the calls.
struct WalkMemory
{
    std::size_t perImageCall = 0; // bytes
    int batch = 0;
    int calls = 1; // a diffusion model's sampler steps; 1 for a GAN
    std::size_t total() const { return perImageCall * std::size_t(batch) * std::size_t(calls); }
};
WalkMemory estimateWalkMemory(const Generator &generator, const SteerOptions &options);

// Learns one walk w per transform by Adam on the masked MSE between
// G(z + alpha w) and edit(G(z), alpha); w starts from N(0, 0.1). Images are
// compared in [-1, 1]. Progress reports the running loss. Scores: the mean
// loss over the last 10% of steps. Throws Error, before the first step, when
// estimateWalkMemory is above options.memoryLimit (or what is available).
DirectionSet learnSteeringWalks(const Generator &generator, const SteerOptions &options,
                                const Progress &progress = {});

// One row per direction: G(z + alpha * w) for `steps` alphas evenly spread
// over [-range, range] (learned walks: their training range), all from one
// anchor z drawn with `seed`. Returns rows * steps images, row-major.
// Rows are generated one at a time (a diffusion model's row is `steps` full
// samplings); `rowsDone` gets the rows so far after each and returns false to
// stop there (the result then holds those rows).
using StripRows = std::function<bool(const ImageBatch &rowsSoFar)>;
ImageBatch directionStrips(const Generator &generator, const DirectionSet &set, int steps,
                           float range, std::uint64_t seed,
                           int classIndex = SampleRequest::kUniformClasses,
                           const StripRows &rowsDone = {});

// z' = z + alpha * direction, for a latent [latentSize].
std::vector<float> moveAlong(const std::vector<float> &z, const std::vector<float> &direction,
                             float alpha);

} // namespace latent
