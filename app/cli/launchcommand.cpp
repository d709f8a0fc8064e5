// SPDX-License-Identifier: MIT
#include "launchcommand.h"

#include "dist/distributed.h"
#include "error.h"

#include <csignal>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>

extern char **environ;

namespace {

std::atomic<int> g_interrupts{0};

// One rank's process and the unfinished last lines of its two streams.
struct Rank
{
    int index = 0;
    pid_t pid = -1;
    int out = -1, err = -1; // read ends
    std::string pendingOut, pendingErr;
    bool running = true;
    int exitCode = 0;
};

// Writes the complete lines of `chunk` with the rank prefix; keeps the rest.
void forward(std::string &pending, const char *data, ssize_t n, int rank, std::ostream &to,
             bool flushAll)
{
    pending.append(data, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    std::size_t start = 0;
    while (true) {
        const std::size_t end = pending.find_first_of("\n\r", start);
        if (end == std::string::npos) break;
        if (end > start)
            to << "[rank " << rank << "] " << pending.substr(start, end - start) << "\n";
        start = end + 1;
    }
    pending.erase(0, start);
    if (flushAll && !pending.empty()) {
        to << "[rank " << rank << "] " << pending << "\n";
        pending.clear();
    }
    to.flush();
}

std::vector<std::string> rankEnvironment(int rank, int size, int port)
{
    const auto ours = latent::launcherVariables(latent::localRank(rank, size, port, "launch"));
    std::vector<std::string> env;
    for (char **e = environ; *e; ++e) {
        const std::string entry = *e;
        const bool replaced = std::any_of(ours.begin(), ours.end(), [&](const auto &v) {
            return entry.rfind(v.first + "=", 0) == 0;
        });
        if (!replaced) env.push_back(entry);
    }
    for (const auto &[name, value] : ours)
        env.push_back(name + "=" + value);
    return env;
}

Rank spawnRank(int rank, int size, int port, const std::vector<std::string> &command)
{
    int out[2], err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0)
        throw latent::Error(std::string("launch: cannot create a pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    posix_spawn_file_actions_addclose(&actions, STDIN_FILENO);
    std::vector<std::string> args{"latent-cli"};
    args.insert(args.end(), command.begin(), command.end());
    std::vector<char *> argv, envp;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    auto env = rankEnvironment(rank, size, port);
    for (auto &e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    Rank r;
    r.index = rank;
    const int rc =
        ::posix_spawn(&r.pid, "/proc/self/exe", &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        throw latent::Error("launch: cannot start rank " + std::to_string(rank) + ": " +
                            std::strerror(rc));
    }
    r.out = out[0];
    r.err = err[0];
    return r;
}

void signalAll(std::vector<Rank> &ranks, int sig)
{
    for (auto &r : ranks)
        if (r.running) ::kill(r.pid, sig);
}

} // namespace

void LaunchCommand::add(CLI::App &app)
{
    launch = app.add_subcommand(
        "launch", "run a command as N local ranks of a data-parallel job (like torchrun "
                  "--standalone): latent-cli launch --nproc 2 -- train --out RUN ...");
    launch->add_option("--nproc", nproc, "ranks to start on this machine")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    launch->add_option("--master-port", port, "rank 0's port (0: a free one)")
        ->check(CLI::Range(0, 65535));
    launch
        ->add_option("--grace", graceSeconds,
                     "seconds the other ranks get to stop after one fails, before they are killed")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    launch->add_option("command", command, "latent-cli arguments of every rank, after --")
        ->required();
}

int LaunchCommand::run(int threads) const
{
    if (!launch || !*launch) return -1;
    if (std::find(command.begin(), command.end(), "train") == command.end())
        throw latent::Error("launch: the command must be a train command, as in "
                            "latent-cli launch --nproc 2 -- train --out RUN");
    std::vector<std::string> rankCommand = command;
    if (threads > 0 && std::find(command.begin(), command.end(), "--threads") == command.end())
        rankCommand.insert(rankCommand.begin(), {"--threads", std::to_string(threads)});
    const int masterPort = port > 0 ? port : latent::freeLocalPort();
    std::signal(SIGINT, [](int) { ++g_interrupts; });
    std::signal(SIGTERM, [](int) { ++g_interrupts; });
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<Rank> ranks;
    try {
        for (int r = 0; r < nproc; ++r)
            ranks.push_back(spawnRank(r, nproc, masterPort, rankCommand));
    } catch (...) {
        signalAll(ranks, SIGKILL);
        for (auto &r : ranks)
            ::waitpid(r.pid, nullptr, 0);
        throw;
    }
    std::cerr << "launch: " << nproc << " ranks, rendezvous at 127.0.0.1:" << masterPort << "\n";

    int firstFailure = -1, exitCode = 0, interruptsSeen = 0;
    std::chrono::steady_clock::time_point killAt{};
    bool ending = false;
    int open = 2 * nproc; // streams not yet at end of file
    while (true) {
        std::vector<pollfd> fds;
        std::vector<std::pair<Rank *, bool>> owners; // rank, is stderr
        for (auto &r : ranks) {
            if (r.out >= 0) fds.push_back({r.out, POLLIN, 0}), owners.push_back({&r, false});
            if (r.err >= 0) fds.push_back({r.err, POLLIN, 0}), owners.push_back({&r, true});
        }
        if (!fds.empty())
            ::poll(fds.data(), fds.size(), 100);
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Rank &r = *owners[i].first;
            const bool isErr = owners[i].second;
            char buffer[4096];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            std::string &pending = isErr ? r.pendingErr : r.pendingOut;
            forward(pending, buffer, n, r.index, isErr ? std::cerr : std::cout, n <= 0);
            if (n <= 0) {
                ::close(fds[i].fd);
                (isErr ? r.err : r.out) = -1;
                --open;
            }
        }
        for (auto &r : ranks) {
            if (!r.running) continue;
            int status = 0;
            if (::waitpid(r.pid, &status, WNOHANG) != r.pid) continue;
            r.running = false;
            r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            if (r.exitCode != 0 && firstFailure < 0 && !ending) {
                firstFailure = r.index;
                exitCode = r.exitCode;
                std::cerr << "launch: rank " << r.index << " "
                          << (WIFSIGNALED(status)
                                  ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                  : "exited with code " + std::to_string(r.exitCode))
                          << "; stopping the other ranks\n";
                signalAll(ranks, SIGTERM);
                ending = true;
                killAt = std::chrono::steady_clock::now() + std::chrono::seconds(graceSeconds);
            } else if (r.exitCode != 0 && exitCode == 0) {
                exitCode = r.exitCode;
            }
        }
        // Ctrl+C reaches every rank from the terminal; forward it for other
        // senders, and a second one ends them at once.
        const int interrupts = g_interrupts.load();
        if (interrupts > interruptsSeen) {
            interruptsSeen = interrupts;
            if (interrupts == 1) {
                signalAll(ranks, SIGINT);
                ending = true;
                killAt = std::chrono::steady_clock::now() + std::chrono::seconds(graceSeconds);
            } else {
                signalAll(ranks, SIGKILL);
            }
        }
        if (ending && std::chrono::steady_clock::now() > killAt) signalAll(ranks, SIGKILL);
        if (open <= 0 &&
            std::none_of(ranks.begin(), ranks.end(), [](const Rank &r) { return r.running; }))
            break;
    }
    if (firstFailure >= 0)
        std::cerr << "launch: the job failed (rank " << firstFailure << " first, exit code "
                  << exitCode << "); relaunch the same command with train --resume RUN to "
                  << "continue from the last checkpoint\n";
    return exitCode;
}
