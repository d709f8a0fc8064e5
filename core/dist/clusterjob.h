// SPDX-License-Identifier: MIT
#pragma once
// A training run packaged for a cluster: the run's config and recipe, a
// Slurm batch script and a torchrun command line, written to one folder.

#include "train/trainconfig.h"
#include "views/viewrecipe.h"

#include <string>
#include <vector>

namespace latent {

struct ClusterJob
{
    int nodes = 1;
    int ranksPerNode = 1; // GPUs per node (processes per node with --device cpu)
    int cpusPerRank = 8;
    std::string partition;          // empty: the cluster's default
    std::string time = "24:00:00";  // Slurm's --time
    std::string runDir;             // the run folder, on storage every node sees
    std::string cli = "latent-cli"; // latent-cli as the nodes find it
};

// `s` as one word for bash: as it is when it holds no character bash
// treats specially, else single-quoted (for commands printed to the user).
std::string shellWord(const std::string &s);

// Writes into `folder` (created): config.json and recipe.json for the run,
// job.sbatch (sbatch job.sbatch: srun starts nodes x ranksPerNode ranks,
// MASTER_ADDR is the first node; a job started again resumes the run) and
// torchrun.sh (NODE_RANK=k MASTER_ADDR=host bash torchrun.sh on each
// machine). Every file is written atomically. Returns the paths written.
// Throws Error when the global batch cannot be split between the ranks.
std::vector<std::string> writeClusterJob(const std::string &folder, const TrainConfig &config,
                                         const ViewRecipe &recipe, const ClusterJob &job);

} // namespace latent
