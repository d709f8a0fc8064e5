// SPDX-License-Identifier: MIT
#include "dist/clusterjob.h"

#include "atomicfile.h"
#include "error.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace latent {
namespace {

// A word for bash, single-quoted.
std::string quoted(const std::string &s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Without a trailing separator, so that the last part is the folder's name.
std::string absolute(const std::string &path)
{
    auto p = std::filesystem::absolute(path).lexically_normal();
    if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
    return p.string();
}

// A command for bash: quoted, except a leading ~/ (the user's home on the
// node, not here).
std::string command(const std::string &path)
{
    return path.rfind("~/", 0) == 0 ? "~/" + quoted(path.substr(2)) : quoted(path);
}

// A path in a Slurm file name pattern, where % starts a field (%% is a
// literal %). #SBATCH values are quoted too: sbatch splits those lines at
// white space and ends them at an unquoted #, honouring quotes as bash does.
std::string slurmLiteral(const std::string &path)
{
    std::string escaped;
    for (char c : path)
        escaped += c == '%' ? std::string("%%") : std::string(1, c);
    return escaped;
}

// The rank's command: a new run from the job's config, or the run's resume.
std::string trainCommand(const std::string &jobDir, const std::string &runDir)
{
    return "if [ -f " + quoted(runDir + "/status.json") + " ]; then\n" + // holdsRun()
           "  TRAIN=(train --resume " + quoted(runDir) + ")\n" + "else\n" +
           "  TRAIN=(train --config " + quoted(jobDir + "/config.json") + " --recipe " +
           quoted(jobDir + "/recipe.json") + " --out " + quoted(runDir) + ")\n" + "fi\n";
}

} // namespace

std::string shellWord(const std::string &s)
{
    const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || std::strchr("_./-+=:,@", c);
    });
    return plain ? s : quoted(s);
}

std::vector<std::string> writeClusterJob(const std::string &folder, const TrainConfig &config,
                                         const ViewRecipe &recipe, const ClusterJob &job)
{
    const int ranks = job.nodes * job.ranksPerNode;
    if (job.nodes < 1 || job.ranksPerNode < 1)
        throw Error("cluster job: nodes and ranks per node must be at least 1");
    if (config.batch % ranks != 0)
        throw Error("cluster job: a global batch of " + std::to_string(config.batch) +
                    " anchors cannot be split evenly between " + std::to_string(ranks) +
                    " ranks (" + std::to_string(job.nodes) + " nodes x " +
                    std::to_string(job.ranksPerNode) + "); use a multiple of " +
                    std::to_string(ranks));
    if (job.runDir.empty()) throw Error("cluster job: give the run folder (on shared storage)");
    // sbatch leaves a --output pattern holding a backslash unexpanded: every
    // job of the folder would write one literal "slurm-%j.out".
    if (absolute(folder).find('\\') != std::string::npos)
        throw Error("cluster job: the job folder " + absolute(folder) +
                    " has a backslash in its path, which turns off Slurm's %j in the log file "
                    "name; use a folder without one");
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw Error("cannot create the job folder " + folder + ": " + ec.message());
    const std::string dir = absolute(folder), run = absolute(job.runDir);
    const bool gpus = config.device != "cpu";

    std::ostringstream sbatch;
    sbatch << "#!/bin/bash\n"
           << "# Latent Studio training job: " << job.nodes << " node(s) x " << job.ranksPerNode
           << (gpus ? " GPU(s)" : " process(es)") << ", global batch " << config.batch << ".\n"
           << "# Submit with: sbatch " << quoted(dir + "/job.sbatch") << "\n"
           << "#SBATCH --job-name="
           << quoted("latent-" + std::filesystem::path(run).filename().string()) << "\n"
           << "#SBATCH --nodes=" << job.nodes << "\n"
           << "#SBATCH --ntasks-per-node=" << job.ranksPerNode << "\n";
    if (gpus) sbatch << "#SBATCH --gpus-per-node=" << job.ranksPerNode << "\n";
    sbatch << "#SBATCH --cpus-per-task=" << job.cpusPerRank << "\n"
           << "#SBATCH --time=" << job.time << "\n"
           << "#SBATCH --output=" << quoted(slurmLiteral(dir) + "/slurm-%j.out") << "\n";
    if (!job.partition.empty()) sbatch << "#SBATCH --partition=" << quoted(job.partition) << "\n";
    sbatch << "set -euo pipefail\n"
           << "# Rank 0's store runs on the first node; srun gives every rank SLURM_PROCID,\n"
           << "# SLURM_NTASKS and SLURM_LOCALID, which latent-cli reads.\n"
           << "export MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\n"
           << "# A port of this job's own, so that two jobs sharing a first node do not meet\n"
           << "# (not one inherited from the submitting shell, which every job would share),\n"
           << "# below Linux's ephemeral ports (32768 and up).\n"
           << "export MASTER_PORT=$((20000 + ${SLURM_JOB_ID:-9500} % 12000))\n"
           << "export OPENBLAS_NUM_THREADS=1\n"
           << "# srun of Slurm 22.05-23.02 does not pass --cpus-per-task on to its tasks.\n"
           << trainCommand(dir, run)
           << "srun --kill-on-bad-exit=1 --cpus-per-task=\"$SLURM_CPUS_PER_TASK\" "
           << command(job.cli) << " --threads \"$SLURM_CPUS_PER_TASK\" \"${TRAIN[@]}\"\n";

    std::ostringstream torchrun;
    torchrun << "#!/bin/bash\n"
             << "# Latent Studio training job without Slurm: run on each of the " << job.nodes
             << " machine(s) as\n"
             << "#   NODE_RANK=k MASTER_ADDR=<first machine> bash " << quoted(dir + "/torchrun.sh")
             << "\n"
             << "# (PyTorch's torchrun starts " << job.ranksPerNode
             << " rank(s) per machine; latent-cli reads RANK, WORLD_SIZE and LOCAL_RANK.)\n"
             << "set -euo pipefail\n"
             << ": \"${NODE_RANK:?set NODE_RANK (0.." << job.nodes - 1 << ")}\"\n"
             << ": \"${MASTER_ADDR:?set MASTER_ADDR to the first machine}\"\n"
             << "export OPENBLAS_NUM_THREADS=1\n"
             << trainCommand(dir, run)
             << "# torchrun's underscore spellings: PyTorch 1.x knows no others, 2.x both.\n"
             << "exec torchrun --nnodes=" << job.nodes << " --nproc_per_node=" << job.ranksPerNode
             << " --node_rank=\"$NODE_RANK\" --master_addr=\"$MASTER_ADDR\" "
                "--master_port=\"${MASTER_PORT:-29500}\" --no_python "
             << command(job.cli) << " --threads " << job.cpusPerRank << " \"${TRAIN[@]}\"\n";

    const std::vector<std::string> paths{dir + "/config.json", dir + "/recipe.json",
                                         dir + "/job.sbatch", dir + "/torchrun.sh"};
    writeTrainConfig(withAbsolutePaths(config), paths[0]);
    writeRecipe(recipe, paths[1]);
    writeFileAtomically(paths[2], sbatch.str());
    writeFileAtomically(paths[3], torchrun.str());
    return paths;
}

} // namespace latent
