// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generator.h"
#include "generators/sampling.h"
#include "views/viewrecipe.h"

#include <cstdint>
#include <limits>

namespace at {
class Tensor;
}

namespace latent {

enum class ViewMode { Both, LatentOnly, PixelOnly };

// How far apart positives are compared with negatives, so a user sees when
// views become trivial (positives as close as copies) or break identity
// (positives as far as negatives).
struct ViewDiagnostics
{
    double pixelDistancePositives = 0; // RMS pixel difference in [0, 1] units
    double pixelDistanceNegatives = 0;
    double cosinePositives = 0; // under a fixed random conv encoder, centred features
    double cosineNegatives = 0;
    // Class-conditional positives (SupCon): a view of one anchor against a
    // view of another anchor of its class; NaN when no anchors share a class
    // or positives are not class-conditional.
    double pixelDistanceClassPositives = std::numeric_limits<double>::quiet_NaN();
    double cosineClassPositives = std::numeric_limits<double>::quiet_NaN();
};

// K anchors from the recipe's anchor settings, and for each V views: latent
// views (Gaussian neighbours, steered walks) then pixel augmentations, as
// the mode allows. Returns [K, V, C, H, W] float32 in [0, 1] on the
// generator's device (a GPU generates and augments there); `classes`
// receives [K] int64 (-1 for unconditional generators), `anchorImages` the
// anchors themselves [K, C, H, W] in [0, 1], rendered in the same batch. Deterministic in
// `seed`, each random quantity from its own stream (sampling.h). With a
// `slice`, the K anchors are rows slice.first.. of a batch of slice.total
// (a rank's share): they equal those rows of the whole batch. Throws Error
// when the recipe does not fit the generator.
// `viewLatents` receives [K, V, latent]: the latent each view was generated
// from (the anchor's own for pixel-only views).
at::Tensor generateViews(const Generator &generator, const ViewRecipe &recipe, int anchors,
                         int views, std::uint64_t seed, ViewMode mode = ViewMode::Both,
                         at::Tensor *classes = nullptr, at::Tensor *anchorImages = nullptr,
                         const SampleSlice &slice = {}, at::Tensor *viewLatents = nullptr);

// Whether views move away from their anchor's latent (Gaussian neighbours,
// steered walks): each view is then generated, and the anchor's own image is
// not one of them.
bool makesLatentViews(const ViewRecipe &recipe, ViewMode mode = ViewMode::Both);

// Throws Error (prefixed with `what`) when `recipe` does not fit `generator`:
// its sets' latent size, its classes, diffusion-only fields on a GAN, sampler
// settings the model refuses.
void checkRecipeFits(const ViewRecipe &recipe, const Generator &generator, const std::string &what);

// The anchor images G(z) themselves, [K, C, H, W] in [0, 1], for previews.
at::Tensor anchorImages(const Generator &generator, const ViewRecipe &recipe, int anchors,
                        std::uint64_t seed);

// Positives: the views of one anchor; negatives: views of other anchors.
// With `classes` [K] (class-conditional positives), views of two anchors of
// one class are class positives, and negatives are pairs of other classes.
ViewDiagnostics diagnose(const at::Tensor &views);
ViewDiagnostics diagnose(const at::Tensor &views, const at::Tensor &classes);

// A preview grid: K rows, the anchor then its V views, plus diagnostics.
// With class-conditional positives on a conditional generator, rows come
// in pairs of one class (rows 0 and 1, 2 and 3, ...), so that the grid
// shows the same-class positives the trainer will use.
struct ViewPreview
{
    ImageBatch images; // K * (1 + V) images, row-major
    int columns = 0;
    ViewDiagnostics diagnostics;
    bool classPairs = false;
    int sampled = 0;    // images the generator sampled: the anchors, and latent views
    double seconds = 0; // wall time it took (the sampler's cost at the recipe's settings)
};
ViewPreview renderViewPreview(const Generator &generator, const ViewRecipe &recipe, int anchors,
                              int views, std::uint64_t seed, ViewMode mode);

} // namespace latent
