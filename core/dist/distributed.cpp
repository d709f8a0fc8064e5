// SPDX-License-Identifier: MIT
#include "dist/distributed.h"

#include "error.h"

#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/autograd/custom_function.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace latent {
namespace {

std::optional<std::string> processEnv(const std::string &name)
{
    const char *v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

// A non-negative integer variable, or Error naming it.
int integerVariable(const std::string &name, const std::string &value, int min, int max)
{
    std::size_t used = 0;
    long long n = 0;
    try {
        n = std::stoll(value, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != value.size() || n < min || n > max)
        throw Error("environment variable " + name + " is \"" + value + "\"; expected an integer " +
                    std::to_string(min) + ".." + std::to_string(max));
    return static_cast<int>(n);
}

// One launcher's names for rank, world size and local rank.
struct Contract
{
    const char *launcher, *rank, *size, *localRank, *localSize;
    // Set only in a started rank, where the other variables also reach the
    // script that starts ranks (Slurm's batch shell has them but is no rank).
    const char *step;
};

constexpr Contract kContracts[] = {
    {"torchrun", "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", nullptr},
    {"openmpi", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
     "OMPI_COMM_WORLD_LOCAL_SIZE", nullptr},
    {"slurm", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", nullptr, "SLURM_STEP_ID"},
};

bool contractPresent(const Contract &c, const EnvLookup &get)
{
    if (c.step && !get(c.step)) return false;
    return get(c.rank) || get(c.size) || get(c.localRank);
}

// c10d's errors carry a C++ backtrace; Gloo's transport errors are plain.
std::string reason(const std::exception &e)
{
    if (const auto *c10 = dynamic_cast<const c10::Error *>(&e))
        return c10->what_without_backtrace();
    return e.what();
}

std::string collectiveFailure(int rank, int size, const std::string &what,
                              std::chrono::milliseconds timeout, const std::exception &e)
{
    std::string who = "another rank";
    if (size == 2) who = "rank " + std::to_string(1 - rank);
    return "rank " + std::to_string(rank) + " of " + std::to_string(size) + ": " + what +
           " with the other ranks failed (" + reason(e) + "); " + who +
           " died, hung for more than " + std::to_string(timeout.count() / 1000) +
           " s or lost its connection. Training stopped; rank 0's last checkpoint is valid and "
           "relaunching the job resumes from it.";
}

} // namespace

std::string DistributedEnv::describe() const
{
    if (!distributed()) return "one process";
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + " (local " +
           std::to_string(localRank) + ", " + launcher + ")";
}

DistributedEnv localRank(int rank, int size, int port, const std::string &launcher)
{
    DistributedEnv env;
    env.rank = env.localRank = rank;
    env.worldSize = env.localWorldSize = size;
    env.masterAddr = "127.0.0.1";
    env.masterPort = port;
    env.launcher = launcher;
    return env;
}

std::vector<std::pair<std::string, std::string>> launcherVariables(const DistributedEnv &env)
{
    return {{"RANK", std::to_string(env.rank)},
            {"WORLD_SIZE", std::to_string(env.worldSize)},
            {"LOCAL_RANK", std::to_string(env.localRank)},
            {"LOCAL_WORLD_SIZE", std::to_string(env.localWorldSize)},
            {"MASTER_ADDR", env.masterAddr},
            {"MASTER_PORT", std::to_string(env.masterPort)}};
}

int freeLocalPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw Error(std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; // the kernel picks one
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw Error("cannot find a free port on 127.0.0.1: " + why);
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

DistributedEnv readDistributedEnv(const EnvLookup &lookup)
{
    const EnvLookup get = lookup ? lookup : EnvLookup(processEnv);
    const Contract *found = nullptr;
    for (const Contract &c : kContracts)
        if (contractPresent(c, get)) {
            found = &c;
            break;
        }
    DistributedEnv env;
    if (!found) return env;
    const auto require = [&](const char *name) {
        const auto v = get(name);
        if (!v || v->empty())
            throw Error(std::string("environment variable ") + name + " is not set, but " +
                        found->launcher + "'s " + (get(found->rank) ? found->rank : found->size) +
                        " is: a " + found->launcher + " rank needs " + found->rank + ", " +
                        found->size + " and " + found->localRank +
                        (env.worldSize > 1 ? ", with MASTER_ADDR and MASTER_PORT" : ""));
        return *v;
    };
    env.launcher = found->launcher;
    env.worldSize = integerVariable(found->size, require(found->size), 1, 1 << 20);
    env.rank = integerVariable(found->rank, require(found->rank), 0, env.worldSize - 1);
    env.localRank =
        integerVariable(found->localRank, require(found->localRank), 0, env.worldSize - 1);
    if (found->localSize)
        if (const auto v = get(found->localSize))
            env.localWorldSize = integerVariable(found->localSize, *v, 1, env.worldSize);
    if (env.localRank >= env.localWorldSize && env.localWorldSize > 1)
        throw Error(std::string("environment variable ") + found->localRank + " is " +
                    std::to_string(env.localRank) + " but " + found->localSize + " is " +
                    std::to_string(env.localWorldSize) + "; the local rank must be below it");
    if (!env.distributed()) return env; // a job of one rank needs no rendezvous
    env.masterAddr = require("MASTER_ADDR");
    env.masterPort = integerVariable("MASTER_PORT", require("MASTER_PORT"), 1, 65535);
    if (get("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True") {
        const auto restarts = get("TORCHELASTIC_RESTART_COUNT");
        env.agentStorePrefix =
            "/worker/attempt_" + (restarts && !restarts->empty() ? *restarts : std::string("0"));
    }
    return env;
}

struct Communicator::Impl
{
    int rank = 0, size = 1;
    DistributedTimeouts timeouts;
    mutable double seconds = 0; // in collectives
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> group;

    std::chrono::milliseconds stepTimeout() const { return timeouts.step; }

    // Waits for a collective; a c10d failure becomes an Error naming the rank.
    void finish(const c10::intrusive_ptr<c10d::Work> &work, const std::string &what,
                std::chrono::milliseconds timeout) const
    {
        try {
            work->wait(timeout);
        } catch (const std::exception &e) {
            throw Error(collectiveFailure(rank, size, what, timeout, e));
        }
    }
    template <typename Start>
    void run(const std::string &what, std::chrono::milliseconds timeout, Start start) const
    {
        const auto t0 = std::chrono::steady_clock::now();
        c10::intrusive_ptr<c10d::Work> work;
        try {
            work = start();
        } catch (const std::exception &e) {
            throw Error(collectiveFailure(rank, size, what, timeout, e));
        }
        finish(work, what, timeout);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    void allReduce(at::Tensor &tensor, c10d::ReduceOp op) const
    {
        std::vector<at::Tensor> t{tensor};
        run("all-reduce", stepTimeout(), [&] {
            c10d::AllreduceOptions o;
            o.reduceOp = op;
            o.timeout = stepTimeout();
            return group->allreduce(t, o);
        });
    }
};

namespace {

// Every rank counts itself in; rank 0 waits for the count to reach the world
// size, so that a rank that never starts is named as missing (and the wait
// can be cancelled) instead of hanging inside the store.
void waitForRanks(c10d::Store &store, const DistributedEnv &env, std::chrono::seconds timeout,
                  const std::function<bool()> &cancelled)
{
    const std::string key = "latent/joined";
    std::int64_t joined = store.add(key, 1);
    if (env.rank != 0) return;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (joined < env.worldSize) {
        if (cancelled && cancelled())
            throw Error(env.describe() + ": cancelled while waiting for the other ranks (" +
                        std::to_string(joined) + " of " + std::to_string(env.worldSize) +
                        " joined)");
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(env.describe() + ": only " + std::to_string(joined) + " of " +
                        std::to_string(env.worldSize) + " ranks joined within " +
                        std::to_string(timeout.count()) +
                        " s; check that every rank was started with the same MASTER_ADDR, "
                        "MASTER_PORT and WORLD_SIZE");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        joined = store.add(key, 0);
    }
}

} // namespace

std::shared_ptr<Communicator> Communicator::join(const DistributedEnv &env, bool cuda,
                                                 const DistributedTimeouts &timeouts,
                                                 const std::function<bool()> &cancelled)
{
    auto impl = std::make_unique<Impl>();
    impl->rank = env.rank;
    impl->size = env.worldSize;
    impl->timeouts = timeouts;
    const std::string where = env.masterAddr + ":" + std::to_string(env.masterPort);
    if (env.worldSize == 1) // alone: an in-process store, no sockets to wait on
        impl->store = c10::make_intrusive<c10d::HashStore>();
    else
        try {
            c10d::TCPStoreOptions options;
            options.port = static_cast<std::uint16_t>(env.masterPort);
            options.isServer = env.rank == 0 && env.agentStorePrefix.empty();
            options.numWorkers = env.worldSize;
            options.waitWorkers = false; // waitForRanks counts them, cancellably
            options.timeout = timeouts.setup;
            impl->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, options);
            if (!env.agentStorePrefix.empty())
                impl->store =
                    c10::make_intrusive<c10d::PrefixStore>(env.agentStorePrefix, impl->store);
        } catch (const std::exception &e) {
            throw Error(env.describe() + ": cannot join the job's store at " + where + " (" +
                        reason(e) + "); check MASTER_ADDR and MASTER_PORT" +
                        (env.rank == 0 ? " (is the port free?)" : " and that rank 0 is running"));
        }
    try {
        waitForRanks(*impl->store, env, timeouts.setup, cancelled);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        throw Error(env.describe() + ": lost the job's store at " + where +
                    " while the ranks "
                    "joined (" +
                    reason(e) + ")");
    }
    if (cuda) {
#ifdef USE_C10D_NCCL
        auto options = c10d::ProcessGroupNCCL::Options::create();
        options->timeout = timeouts.step;
        impl->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, env.rank,
                                                                  env.worldSize, options);
#else
        throw Error(env.describe() +
                    ": training on GPUs across processes needs NCCL, and this LibTorch was built "
                    "without it; use a CUDA LibTorch (Torch_DIR) or --device cpu (Gloo)");
#endif
    } else {
        try {
            auto options = c10d::ProcessGroupGloo::Options::create(timeouts.setup);
            // Loopback jobs bind loopback; GLOO_SOCKET_IFNAME picks a cluster's
            // interface, as in PyTorch; otherwise the host name's address.
            const char *ifname = std::getenv("GLOO_SOCKET_IFNAME");
            const bool loopback = env.worldSize == 1 || env.masterAddr == "localhost" ||
                                  env.masterAddr.rfind("127.", 0) == 0 || env.masterAddr == "::1";
            if (ifname && *ifname)
                options->devices.push_back(
                    c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
            else if (loopback)
                options->devices.push_back(
                    c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            else
                options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            options->threads = 2;
            impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, env.rank,
                                                                      env.worldSize, options);
        } catch (const std::exception &e) {
            throw Error(env.describe() + ": cannot connect to the other ranks through " + where +
                        " (" + reason(e) + ")");
        }
    }
    return std::shared_ptr<Communicator>(new Communicator(std::move(impl)));
}

Communicator::Communicator(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Communicator::~Communicator() = default;

int Communicator::rank() const
{
    return d->rank;
}
int Communicator::size() const
{
    return d->size;
}
const DistributedTimeouts &Communicator::timeouts() const
{
    return d->timeouts;
}

double Communicator::collectiveSeconds() const
{
    return d->seconds;
}

void Communicator::allReduceSum(at::Tensor &tensor)
{
    d->allReduce(tensor, c10d::ReduceOp::SUM);
}

void Communicator::allReduceMax(at::Tensor &tensor)
{
    d->allReduce(tensor, c10d::ReduceOp::MAX);
}

at::Tensor Communicator::allGather(const at::Tensor &local)
{
    std::vector<at::Tensor> in{local.contiguous()};
    std::vector<std::vector<at::Tensor>> out(1);
    for (int r = 0; r < d->size; ++r)
        out[0].push_back(torch::empty_like(in[0]));
    d->run("all-gather", d->stepTimeout(), [&] {
        c10d::AllgatherOptions o;
        o.timeout = d->stepTimeout();
        return d->group->allgather(out, in, o);
    });
    return torch::cat(out[0], 0);
}

void Communicator::broadcast(at::Tensor &tensor, int root)
{
    // Gloo broadcasts contiguous tensors; copy back for other layouts.
    std::vector<at::Tensor> t{tensor.contiguous()};
    d->run("broadcast", d->timeouts.setup, [&] {
        c10d::BroadcastOptions o;
        o.rootRank = root;
        o.timeout = d->timeouts.setup;
        return d->group->broadcast(t, o);
    });
    if (!t[0].is_same(tensor)) tensor.copy_(t[0]);
}

void Communicator::barrier(std::chrono::seconds timeout)
{
    const std::chrono::milliseconds wait = timeout.count() > 0 ? timeout : d->timeouts.setup;
    d->run("barrier", wait, [&] {
        c10d::BarrierOptions o;
        o.timeout = wait;
        return d->group->barrier(o);
    });
}

void allReduceGradients(Communicator &comm, const std::vector<at::Tensor> &parameters,
                        std::int64_t bucketBytes)
{
    if (comm.size() == 1) return;
    torch::NoGradGuard noGrad;
    std::vector<at::Tensor> bucket;
    std::int64_t bytes = 0;
    const auto flush = [&] {
        if (bucket.empty()) return;
        std::vector<at::Tensor> flat;
        for (const auto &g : bucket)
            flat.push_back(g.reshape(-1));
        auto all = torch::cat(flat); // [sum of numel]
        comm.allReduceSum(all);
        std::int64_t at = 0;
        for (auto &g : bucket) {
            g.copy_(all.slice(0, at, at + g.numel()).view(g.sizes()));
            at += g.numel();
        }
        bucket.clear();
        bytes = 0;
    };
    for (const auto &p : parameters) {
        if (!p.requires_grad()) continue;
        // A parameter that took no part in this step contributes zeros, as in DDP.
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
        at::Tensor g = p.grad();
        if (!bucket.empty() && (g.scalar_type() != bucket.front().scalar_type() ||
                                bytes + g.nbytes() > std::size_t(bucketBytes)))
            flush();
        bucket.push_back(g);
        bytes += static_cast<std::int64_t>(g.nbytes());
    }
    flush();
}

void broadcastFromRankZero(Communicator &comm, const std::vector<at::Tensor> &tensors)
{
    if (comm.size() == 1) return;
    torch::NoGradGuard noGrad;
    for (at::Tensor t : tensors)
        comm.broadcast(t, 0);
}

namespace {

struct GatherFunction : torch::autograd::Function<GatherFunction>
{
    static at::Tensor forward(torch::autograd::AutogradContext *ctx, const at::Tensor &local,
                              Communicator *comm)
    {
        ctx->saved_data["first"] = local.size(0) * comm->rank();
        ctx->saved_data["rows"] = local.size(0);
        return comm->allGather(local.detach());
    }
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const std::int64_t first = ctx->saved_data["first"].toInt();
        const std::int64_t rows = ctx->saved_data["rows"].toInt();
        return {grads[0].slice(0, first, first + rows), at::Tensor()};
    }
};

} // namespace

at::Tensor gatherWithGradient(Communicator &comm, const at::Tensor &local)
{
    if (comm.size() == 1) return local;
    return GatherFunction::apply(local, &comm);
}

} // namespace latent
