// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generatorinfo.h"
#include "views/directions.h"

#include <string>
#include <utility>
#include <vector>

namespace latent {

// How positive pairs are made: anchors from the generator, latent views
// around each anchor, then pixel augmentations on every image. Serialised as
// versioned JSON (docs/view-recipe.md); every field is written and every
// field is required when read, so nothing is silently defaulted.
struct ViewRecipe
{
    static constexpr int kSchemaVersion = 1;

    struct GeneratorRef
    {
        std::string file;   // file name of the .pt, resolved beside the recipe
        std::string sha256; // of the .pt file, lower-case hex
    };
    struct Anchors
    {
        float truncation = 2.0f;  // |z_i| <= truncation; 0 disables
        std::vector<int> classes; // empty: uniform over all classes
        // A pool of anchors reused across steps, for slow samplers (diffusion):
        // anchor j of a run is a pure function of (run seed, j); step s draws
        // its anchors from [s * poolRefresh, s * poolRefresh + poolSize), and
        // an anchor's image is made once while it is in that window
        // (core/generators/anchorpool.h). poolSize 0: every step has fresh anchors.
        // JSON anchors.pool {"size", "refresh_per_step"}, absent when off.
        int poolSize = 0;
        int poolRefresh = 0;
    };
    struct SteeredWalk
    {
        std::string set;       // direction set name
        std::string direction; // label inside the set
        float alphaMin = -1.0f, alphaMax = 1.0f;
        bool normal = false; // alpha ~ N(mid, (half-width / 2)^2) clipped, else uniform
    };
    struct LatentViews
    {
        int perAnchor = 2;
        bool classPositives = false; // same-class images are positives (SupCon)
        bool gaussian = true;
        // z' = z + sigma * truncated normal (0.8: row c's choice on validation, docs/results.md)
        float sigma = 0.8f;
        // z' = sqrt(1 - sigma^2) z + sigma n instead (sigma <= 1, n with the
        // anchors' truncation): the view's latent keeps the anchors'
        // variance, which a diffusion model's x_T must (adding noise to x_T
        // makes a noisier start and a noisier image). JSON
        // views.gaussian.preserve_variance, absent when false.
        bool preserveVariance = false;
        std::vector<SteeredWalk> steered;
        // Diffusion generators: each view's image is noised to level
        // renoise x T and denoised again with a noise of its own (SDEdit);
        // 0: off. JSON views.renoise {"strength"}, absent when 0.
        float renoise = 0.0f;
    };
    struct Pixel
    {
        float cropP = 1.0f;
        std::pair<float, float> cropScale{0.2f, 1.0f};
        std::pair<float, float> cropRatio{0.75f, 4.0f / 3.0f};
        float flipP = 0.5f;
        float jitterP = 0.8f;
        float brightness = 0.4f, contrast = 0.4f, saturation = 0.4f, hue = 0.1f;
        float grayscaleP = 0.2f;
        float blurP = 0.0f;
        std::pair<float, float> blurSigma{0.1f, 2.0f};
    };

    std::string name = "untitled";
    GeneratorRef generator;
    // Diffusion generators: how x_T becomes an image (DDIM steps, guidance,
    // eta), so that a recipe's views are the same wherever it is used
    // (JSON: generator.sampler); absent: the generator's own settings.
    bool hasSampler = false;
    SamplerSettings sampler;
    std::uint64_t seed = 0;
    Anchors anchors;
    LatentViews views;
    Pixel pixel;
    std::vector<DirectionSet> directionSets;

    const DirectionSet *findSet(const std::string &name) const;
    // Throws Error when a steered walk names a set or direction the recipe
    // does not hold, or a class outside [0, numClasses).
    void checkAgainst(int latentSize, int numClasses, const std::string &what) const;
};

// The recipe's canonical JSON, as files and hashes have it (floats as their
// shortest decimal: 0.4).
std::string toJson(const ViewRecipe &recipe);
// Whether `sha256` is the hash of the recipe's canonical JSON, or of the form
// written before 2026-12 (floats as exact doubles: 0.4000000059604645), so
// that runs recorded then still match their recipe.
bool recipeHashMatches(const ViewRecipe &recipe, const std::string &sha256);

// The recipe a generator starts from: the defaults above, for a diffusion
// model with untruncated anchors (GeneratorInfo::defaultTruncation) and
// variance-preserving Gaussian views at sigma 0.4.
ViewRecipe defaultRecipeFor(const GeneratorInfo &info);
ViewRecipe recipeFromJson(const std::string &text, const std::string &pathForMessages);
ViewRecipe readRecipe(const std::string &path);                      // throws Error naming the file
void writeRecipe(const ViewRecipe &recipe, const std::string &path); // atomic

std::string directionSetToJson(const DirectionSet &set);
DirectionSet directionSetFromJson(const std::string &text, const std::string &pathForMessages);

// Lower-case hex SHA-256 of a file; throws Error when it cannot be read.
std::string sha256OfFile(const std::string &path);
std::string sha256OfBytes(const std::string &bytes); // lower-case hex
std::string sha256OfData(const void *data, std::size_t size);

// A recipe file's size limit: its direction sets hold one float per latent
// value per direction (8 directions of a 3 x 256 x 256 diffusion model's x_T
// take about 30 MiB of text).
constexpr std::size_t kMaxRecipeBytes = 256u << 20;

} // namespace latent
