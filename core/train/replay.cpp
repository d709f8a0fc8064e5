// SPDX-License-Identifier: MIT
#include "train/replay.h"

#include "data/dataset.h"
#include "error.h"
#include "provenance.h"
#include "runtime.h"
#include "train/batchsource.h"
#include "train/runfolder.h"
#include "train/trainconfig.h"
#include "views/recipeversions.h"
#include "views/viewrecipe.h"

#include <torch/types.h>

#include <cmath>
#include <filesystem>

namespace latent {
namespace {

std::string shortHash(const std::string &sha)
{
    return sha.substr(0, 12);
}

// The training row of `step`; throws naming the steps the run has.
MetricRow trainRow(const std::string &runDir, int step)
{
    int last = 0;
    for (const MetricRow &r : readMetrics(runDir)) {
        if (r.kind != "train") continue;
        if (r.step == step) return r;
        last = std::max(last, r.step);
    }
    throw Error("run " + runDir + " has no training step " + std::to_string(step) +
                (last > 0 ? ": it trained steps 1 to " + std::to_string(last)
                          : ": it has not trained a step yet"));
}

// The session that trained `step`: the last one that started before it.
RunSession sessionOf(const std::string &runDir, int step)
{
    RunSession found; // runs made before provenance was kept: one rank
    for (const RunSession &s : readRunSessions(runDir))
        if (s.fromStep < step) found = s;
    return found;
}

// `real`: the training data of a real-data run as it reads now, else null.
std::vector<std::string> inputDifferences(const RunSession &session, const std::string &generator,
                                          const Dataset *real, const RecipeVersion &version,
                                          const std::string &runDir)
{
    std::vector<std::string> out;
    if (!generator.empty() && !session.generatorSha256.empty()) {
        const std::string now = sha256OfFile(generator);
        if (now != session.generatorSha256)
            out.push_back("generator: " + generator + " has SHA-256 " + shortHash(now) +
                          "..., the run trained with " + shortHash(session.generatorSha256) +
                          "...");
    }
    // A folder that gained or lost images shifts every batch drawn from it.
    if (real && session.trainImages > 0 && real->train.size() != session.trainImages)
        out.push_back("data: " + real->path + " has " + std::to_string(real->train.size()) +
                      " training images, the run drew its batches from " +
                      std::to_string(session.trainImages));
    if (!recipeHashMatches(version.recipe, version.sha256))
        out.push_back("recipe: " +
                      (version.version == 1 ? runDir + "/recipe.json"
                                            : recipeVersionsFile(runDir) + " version " +
                                                  std::to_string(version.version)) +
                      " has SHA-256 " + shortHash(sha256OfBytes(toJson(version.recipe))) +
                      "..., the run trained with " + shortHash(version.sha256) + "...");
    if (session.build != "unknown" && !session.build.empty() && session.build != buildDescription())
        out.push_back("build: the run was trained by " + session.build + ", this is " +
                      buildDescription());
    if (!session.device.empty() && session.device != "cpu")
        out.push_back("device: the run made its batches on " + session.device +
                      ", the replay on the cpu");
    return out;
}

// Restores the calling thread's intra-op threads on scope exit.
class ThreadsFor
{
public:
    explicit ThreadsFor(int threads) : m_before(torchThreads())
    {
        if (threads > 0) setThreadTorchThreads(threads);
    }
    ~ThreadsFor() { setThreadTorchThreads(m_before); }

private:
    int m_before;
};

} // namespace

std::string BatchReplay::verdict() const
{
    const std::string at = "step " + std::to_string(step);
    if (matches())
        return "matches the batch trained at " + at + " (batch_sha256 " + shortHash(recorded) +
               "...)";
    if (recorded.empty())
        return "the run recorded no fingerprint for " + at +
               " (it was trained before fingerprints were kept); the batch is shown unchecked";
    std::string why;
    for (const std::string &d : differences)
        why += (why.empty() ? "" : "; ") + d;
    if (why.empty())
        why = "the inputs the run recorded (its generator file or number of training images, "
              "recipe, build and device) are unchanged, so the difference comes from elsewhere "
              "(another CPU, other library versions, or a training image edited in place)";
    return "differs from the batch trained at " + at + " (recorded " + shortHash(recorded) +
           "..., replayed " + shortHash(replayed) + "...): " + why;
}

BatchReplay replayBatch(const std::string &runDir, int step, const ReplayOptions &options)
{
    const RunFiles files{runDir};
    if (!std::filesystem::exists(files.config()))
        throw Error("run folder " + runDir + " has no config.json; it is not a training run");
    const TrainConfig config = readTrainConfig(files.config());
    const std::vector<RecipeVersion> versions = readRecipeVersions(runDir);
    const RecipeVersion &version = recipeAt(versions, step);
    const ViewRecipe &recipe = version.recipe;
    const MetricRow row = trainRow(runDir, step);
    const RunSession session = sessionOf(runDir, step);

    const std::string generatorPath =
        options.generator.empty() ? config.generator : options.generator;
    std::unique_ptr<Generator> generator;
    if (config.data == "generator") generator = Generator::load(generatorPath, "cpu");
    std::shared_ptr<const Dataset> real;
    if (config.data == "real") {
        DatasetOptions data;
        data.skipUnreadable = config.skipUnreadable;
        data.maxShorterSide = config.maxShorterSide;
        real = std::make_shared<const Dataset>(openDataset(config.realData, data));
    }
    const BatchShape shape =
        batchShape(config, recipe, generator.get(), real.get(), "recipe " + files.recipe());

    // Each rank's share as that rank made it, on the threads that made it.
    const ThreadsFor threads(session.batchThreads);
    std::vector<std::string> digests;
    std::vector<torch::Tensor> shares; // [b, V, C, R, R] each
    for (int rank = 0; rank < session.ranks; ++rank) {
        const Batch b = BatchSource(BatchSource::forRun(config, recipe, generator.get(), real,
                                                        shape, rank, session.ranks, torch::kCPU))
                            .make(step);
        digests.push_back(b.sha256);
        shares.push_back(b.views);
    }
    const auto views = torch::cat(shares, 0); // [B, V, C, R, R]

    BatchReplay out;
    out.step = step;
    out.anchors = static_cast<int>(views.size(0));
    out.viewsPerAnchor = static_cast<int>(views.size(1));
    const int64_t kept = options.maxAnchors > 0
                             ? std::min<int64_t>(options.maxAnchors, views.size(0))
                             : views.size(0);
    out.views = toImageBatch(views.slice(0, 0, kept).flatten(0, 1));
    out.recorded = row.batchSha256;
    out.replayed = batchFingerprint(digests);
    out.differences = inputDifferences(session, generator ? generatorPath : std::string(),
                                       real.get(), version, runDir);
    return out;
}

} // namespace latent
