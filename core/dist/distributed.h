// SPDX-License-Identifier: MIT
#pragma once
// Data-parallel training on PyTorch's c10d: where a process sits in a job
// (from the launcher's environment) and the collectives its ranks share
// (Gloo for CPU tensors, NCCL for GPUs when LibTorch has it). Torch headers
// stay in the .cpp: tensors are forward-declared.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

// This process's place in a data-parallel job.
struct DistributedEnv
{
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;      // picks the GPU on a machine
    int localWorldSize = 1; // ranks on this machine (shares its cores), 1 when unknown
    std::string masterAddr; // rank 0's store
    int masterPort = 0;
    std::string launcher; // "torchrun", "slurm", "openmpi"; empty for one process
    // Under torchrun's elastic agent (TORCHELASTIC_USE_AGENT_STORE=True) the
    // agent on the first machine already serves the store at MASTER_PORT:
    // every rank is a client, its keys under this prefix (the agent's
    // "/worker/attempt_<restart count>"). Empty: rank 0 serves the store.
    std::string agentStorePrefix;
    bool distributed() const { return worldSize > 1; }
    bool inJob() const { return !launcher.empty(); } // started by a launcher, even alone
    std::string describe() const;                    // "rank 1 of 4 (local 1, torchrun)"
};

// Reads the contract that existing launchers set: torchrun's RANK,
// WORLD_SIZE, LOCAL_RANK (+ LOCAL_WORLD_SIZE); Open MPI's
// OMPI_COMM_WORLD_RANK/SIZE/LOCAL_RANK; Slurm's SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID inside an srun step (SLURM_STEP_ID set); with MASTER_ADDR
// and MASTER_PORT for all three. torchrun's variables win when several are
// set. Nothing set: one process. Throws Error naming the variable when the
// environment is partial or inconsistent. `lookup` returns a variable's
// value (the process environment when empty).
using EnvLookup = std::function<std::optional<std::string>(const std::string &name)>;
DistributedEnv readDistributedEnv(const EnvLookup &lookup = {});

// Rank `rank` of a job of `size` ranks on this machine, meeting at
// 127.0.0.1:`port` (torchrun's standalone mode), started by `launcher`.
DistributedEnv localRank(int rank, int size, int port, const std::string &launcher);
// torchrun's variables for `env` (RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), for a launcher to set.
std::vector<std::pair<std::string, std::string>> launcherVariables(const DistributedEnv &env);
// A loopback port nobody listens on now, for a local job's store. Throws Error.
int freeLocalPort();

// How long ranks wait for each other.
struct DistributedTimeouts
{
    // A collective in the training loop: a rank that died or hung makes the
    // others fail after this.
    std::chrono::seconds step{300};
    // Joining the job and the waits while rank 0 alone reads data, evaluates
    // or writes checkpoints.
    std::chrono::seconds setup{3600};
};

// The ranks of one job. Every call is a collective: all ranks make the same
// calls in the same order. A failure (a rank died, hung past the timeout or
// disconnected) throws Error naming this rank and the operation.
class Communicator
{
public:
    // Rendezvous at masterAddr:masterPort (rank 0 serves the store), then a
    // Gloo group, or NCCL when `cuda` (refused where LibTorch has no NCCL).
    // Rank 0 waits for every rank to join up to the setup timeout, polling
    // `cancelled` (when given): true gives up with an Error.
    static std::shared_ptr<Communicator> join(const DistributedEnv &env, bool cuda,
                                              const DistributedTimeouts &timeouts,
                                              const std::function<bool()> &cancelled = {});
    ~Communicator();

    int rank() const;
    int size() const;
    const DistributedTimeouts &timeouts() const;

    void allReduceSum(at::Tensor &tensor); // in place
    void allReduceMax(at::Tensor &tensor); // in place
    // Every rank's `local` (same shape on all) concatenated on dim 0 in rank
    // order: [size * n, ...].
    at::Tensor allGather(const at::Tensor &local);
    void broadcast(at::Tensor &tensor, int root = 0); // in place
    // Waits for every rank, up to `timeout` (setup when zero).
    void barrier(std::chrono::seconds timeout = std::chrono::seconds{0});
    // Wall seconds spent in collectives so far (benchmarks: their share of a step).
    double collectiveSeconds() const;

    struct Impl;

private:
    explicit Communicator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

// Gradients of `parameters` summed over the ranks, in buckets of about
// `bucketBytes` (one all-reduce each, as PyTorch's DDP reducer does). A sum,
// not DDP's mean: every rank's loss is already the loss of the whole global
// batch (features are gathered), so summing the ranks' shares gives the
// gradient one process would compute on that batch.
void allReduceGradients(Communicator &comm, const std::vector<at::Tensor> &parameters,
                        std::int64_t bucketBytes = 25 << 20);

// Parameters and buffers made equal to rank 0's (at start and on resume).
void broadcastFromRankZero(Communicator &comm, const std::vector<at::Tensor> &tensors);

// `local` [n, ...] of every rank, concatenated in rank order [size * n, ...];
// the gradient flows back to this rank's own rows only (the loss is computed
// alike on every rank, so each rank's rows get their full gradient here).
at::Tensor gatherWithGradient(Communicator &comm, const at::Tensor &local);

} // namespace latent
