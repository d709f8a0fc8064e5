// SPDX-License-Identifier: MIT
#pragma once
// A synthetic dataset written to disk for any training stack: the views a
// recipe makes, as PNG files in a folder per class or as uint8 .npy arrays,
// with a manifest that says, per image, where it came from (docs/export.md).
//
// Anchors are generated in chunks; chunk c is exactly the batch a training
// run of seed `seed` and batch `chunk` generates at step c (stepSeed), so any
// image can be regenerated bit for bit from its manifest row. The export is
// resumable: each chunk's files are written atomically, then its manifest
// lines, then the progress record; a killed export continues at the first
// chunk that was not recorded.

#include "generators/generator.h"
#include "views/viewrecipe.h"

#include <cstdint>
#include <functional>
#include <string>

namespace latent {

struct DatasetExportSettings
{
    int anchors = 1000;
    int views = 2;              // per anchor: a positive group
    int chunk = 64;             // anchors generated together (the regeneration unit)
    std::uint64_t seed = 1;     // chunk c uses stepSeed(seed, c)
    std::string format = "png"; // "png": a folder per class; "npy": one array per chunk
    // When set, the generator file must still have this SHA-256 (the studio
    // exports the model it loaded: a file saved over since would be recorded
    // as the export's generator, and regeneration would not match).
    std::string loadedSha256;
};

// The files of an export folder.
struct ExportFolder
{
    std::string dir;
    std::string settings() const { return dir + "/export.json"; }
    std::string manifest() const { return dir + "/manifest.jsonl"; }
    std::string progress() const { return dir + "/progress.json"; }
};

struct ExportProgress
{
    std::int64_t imagesDone = 0, imagesTotal = 0;
    int chunksDone = 0, chunksTotal = 0;
    bool resumed = false; // chunks were already there when this call began
};

// Writes the export into `dir`, or continues the one there (which must have
// the same settings, recipe and generator: otherwise throws Error naming what
// differs). `progress` is called after each chunk; returning false stops
// after that chunk (the export stays resumable). Returns the final progress:
// complete when chunksDone == chunksTotal. `recipe.generator` names the
// generator the export records; `generator` is what renders it.
ExportProgress exportDataset(const Generator &generator, const ViewRecipe &recipe,
                             const DatasetExportSettings &settings, const std::string &dir,
                             const std::function<bool(const ExportProgress &)> &progress = {});

struct RegeneratedImage
{
    ImageBatch image;       // the one image, regenerated
    std::string storedFile; // where the export holds it
    bool identical = false; // byte for byte equal to the stored image
    int exportThreads = 0;  // the thread count the export ran with; 0: not recorded
};

// Regenerates manifest row `row` (0-based) of the export in `dir` with
// `generator` (whose SHA-256 must be the export's: otherwise throws Error
// naming both) and compares it with the stored image.
RegeneratedImage regenerateExportedImage(const std::string &dir, std::int64_t row,
                                         const std::string &generatorPath,
                                         const std::string &deviceSetting = "auto");

// The generator file an export recorded (absolute path at export time).
std::string exportGeneratorPath(const std::string &dir);

} // namespace latent
