// SPDX-License-Identifier: MIT
#pragma once
// What a training step trains on: this rank's share of the step's global
// batch, generated views or real images, made from (run seed, step) alone on
// a prefetch thread. Internal to core (torch).

#include "generators/generator.h"
#include "generators/sampling.h"
#include "train/trainconfig.h"
#include "views/viewrecipe.h"

#include <torch/types.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace latent {

struct Dataset;
class AnchorPool;

struct Batch
{
    int step = 0;
    torch::Tensor views;  // [b, V, C, R, R] in [0, 1]: this rank's b anchors, on the run's device
    torch::Tensor labels; // [b] int64 for SupCon, undefined for SimCLR
    std::string sha256;   // of `views` as contiguous float32 bytes (viewsSha256)
};

// The SHA-256 of views [b, V, C, R, R] as contiguous float32 bytes in that
// order (copied to the CPU first), lower-case hex.
std::string viewsSha256(const torch::Tensor &views);

// The fingerprint a run records for a step (metrics' batch_sha256): the
// SHA-256 of the concatenated hex digests of the ranks' shares, in rank
// order. A pure function of the views the encoder saw, given the number of
// ranks (one rank: the SHA-256 of its one hex digest).
std::string batchFingerprint(const std::vector<std::string> &shareDigests);

// What the encoder takes in a run: the image shape and the views per anchor,
// checked against the generator (generator runs) or read from the real
// images (real-data runs). Throws Error naming `recipeWhat` ("recipe PATH").
struct BatchShape
{
    int channels = 1, resolution = 32; // the encoder's input
    int viewsPerAnchor = 2;
    bool labels = false; // SupCon: class-conditional positives of a conditional generator
};
BatchShape batchShape(const TrainConfig &config, const ViewRecipe &recipe,
                      const Generator *generator, const Dataset *real,
                      const std::string &recipeWhat);

// Bounded hand-over from the prefetch thread to the training thread.
class BatchQueue
{
public:
    explicit BatchQueue(std::size_t capacity) : m_capacity(capacity) {}
    bool push(Batch b); // false once closed
    // Waits for a batch; nullopt when closed, and rethrows a producer failure.
    std::optional<Batch> pop();
    void fail(const std::string &message);
    void close();

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Batch> m_items;
    std::size_t m_capacity;
    bool m_closed = false;
    std::string m_error;
};

class BatchSource
{
public:
    struct Setup
    {
        const TrainConfig *config = nullptr;
        const ViewRecipe *recipe = nullptr;
        const Generator *generator = nullptr; // generator runs
        std::shared_ptr<const Dataset> real;  // real-data runs
        int channels = 1, resolution = 32;    // the encoder's input
        int viewsPerAnchor = 2;
        bool labels = false;     // SupCon: the anchors' classes
        int rank = 0, ranks = 1; // this rank's share of config->batch
        // The run's device: real images are copied to a GPU through pinned
        // memory and augmented there (generated views are made on the
        // generator's device, which is the run's).
        torch::Device device{torch::kCPU};
        // Where the recipe's anchor pool keeps its rendered chunks (a run
        // folder's anchor-pool/, so that a resume reads them); empty: nowhere.
        std::string poolCache;
    };
    // The setup of rank `rank` of `ranks` for a run's config and inputs.
    static Setup forRun(const TrainConfig &config, const ViewRecipe &recipe,
                        const Generator *generator, std::shared_ptr<const Dataset> real,
                        const BatchShape &shape, int rank, int ranks, torch::Device device);
    explicit BatchSource(Setup setup);
    ~BatchSource(); // closes and joins

    // This rank's rows of step s's global batch: the rows one process with
    // the whole batch would have at the same places (sampling.h streams).
    Batch make(int step) const;

    // Makes steps first..last on a thread with `threads` intra-op threads.
    void start(int first, int last, int threads);
    std::optional<Batch> next() { return m_queue.pop(); }
    void close(); // stops the thread; next() then returns nullopt

private:
    Setup m_setup;
    SampleSlice m_share;
    int m_rows = 0;                     // anchors on this rank
    std::unique_ptr<AnchorPool> m_pool; // the recipe's anchor pool, if any
    BatchQueue m_queue{2};
    std::thread m_thread;
};

// Views [B, V, C, H, W] at the encoder's side: area filter when shrinking,
// bilinear when growing.
torch::Tensor resizeViews(const torch::Tensor &views, int side);

} // namespace latent
