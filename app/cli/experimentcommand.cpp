// SPDX-License-Identifier: MIT
#include "experimentcommand.h"

#include "cliutil.h"

#include "eval/experimentrunner.h"
#include "paths.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

namespace fs = std::filesystem;

namespace {
std::atomic<bool> g_stop{false};
}

void ExperimentCommand::add(CLI::App &app)
{
    command = app.add_subcommand(
        "experiment", "run the paper's comparison (synthetic views vs real data) as one command");
    command->add_option("name", name, "experiment: paper-table")
        ->required()
        ->check(CLI::IsMember({"paper-table"}));
    auto *minutes =
        command->add_option("--budget-minutes", options.budgetMinutes, "training minutes per run")
            ->check(CLI::Range(0.01, 1e5))
            ->capture_default_str();
    command
        ->add_option("--budget-steps", options.budgetSteps,
                     "training steps per run instead of minutes (independent of the machine)")
        ->check(CLI::Range(1, 100000000))
        ->excludes(minutes);
    command->add_option("--seeds", options.seeds, "seeds per row")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    command->add_option("--sigmas", options.sigmas, "Gaussian sigmas of row c")
        ->delimiter(',')
        ->check(CLI::Range(0.0, 10.0));
    command
        ->add_option("--sigma", options.sigma,
                     "Gaussian sigma of rows e, f and g (default: row c's best mean validation "
                     "probe, chosen once row c has finished)")
        ->check(CLI::Range(1e-3, 10.0));
    command
        ->add_option("--rows", options.rows,
                     "rows to run, e.g. a,b,c,f,g (default: a to g; r only when listed); the sigma "
                     "of e, f and g is chosen on row c unless --sigma is given")
        ->delimiter(',')
        ->check(CLI::IsMember({"a", "b", "c", "d", "e", "f", "g", "r"}));
    command
        ->add_option("--renoise", options.renoise,
                     "row r (diffusion generators, only when listed): re-noised views of this "
                     "strength")
        ->check(CLI::Range(0.01, 1.0))
        ->capture_default_str();
    command
        ->add_option("--anchor-pool", options.anchorPool,
                     "generated rows draw their anchors from a pool of this many (for slow "
                     "samplers; docs/view-recipe.md); 0: fresh anchors every step")
        ->check(CLI::Range(0, 1 << 24))
        ->capture_default_str();
    command
        ->add_option("--anchor-pool-refresh", options.anchorPoolRefresh,
                     "new anchors in the pool per step")
        ->check(CLI::Range(0, 1 << 24))
        ->capture_default_str();
    command
        ->add_option("--card-samples", options.card.samples,
                     "report card: generated images for fidelity and the Frechet distance")
        ->check(CLI::Range(2, 1000000))
        ->capture_default_str();
    command
        ->add_option("--card-cas-images", options.card.casImages,
                     "report card: generated images the CAS classifier trains on (default: as "
                     "many as the real-trained classifier)")
        ->check(CLI::Range(1, 10000000));
    command->add_option("--generator", generator, cli::kGeneratorHelp)->capture_default_str();
    command->add_option("--batch", options.base.batch, "anchors per step")
        ->check(CLI::Range(2, 65536))
        ->capture_default_str();
    command->add_option("--lr", options.base.lr, "peak learning rate")
        ->check(CLI::Range(1e-7, 100.0))
        ->capture_default_str();
    command
        ->add_option("--encoder", options.base.encoder,
                     "encoder of every run: small, resnet18 or resnet50")
        ->check(CLI::IsMember(latent::encoderPresetNames()))
        ->capture_default_str();
    // Pinned for a table that must not depend on the machine (auto trains in
    // bf16 on a CPU with native bfloat16 and in fp32 on one without).
    cli::addDeviceOptions(*command, options.base.device, options.base.precision);
    command->add_option("--probe-every", options.base.probeEvery, "online evaluation interval")
        ->check(CLI::Range(0, 100000000))
        ->capture_default_str();
    command->add_flag("!--no-report-card", options.reportCard,
                      "leave the generator's report card out of the report");
    command->add_option("--out", out, "experiment folder (rerun the same command to resume)")
        ->capture_default_str();
}

int ExperimentCommand::run(const std::string &exeDir, int threads, int argc, char **argv)
{
    if (!*command) return -1;
    options.base.threads = threads;
    options.base.generator =
        fs::absolute(latent::resolveGeneratorArgument(generator, exeDir)).string();
    latent::ExperimentRunner runner(out, options);

    const bool tty = ::isatty(STDERR_FILENO);
    auto last = std::chrono::steady_clock::now() - std::chrono::hours(1);
    latent::ExperimentEvents events;
    events.log = [tty](const std::string &line) {
        std::cerr << (tty ? "\r\033[K" : "") << line << "\n" << std::flush;
    };
    events.progress = [tty, &last](const latent::ExperimentProgress &p) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::seconds(tty ? 1 : 30)) return;
        last = now;
        char line[300];
        std::snprintf(line, sizeof line,
                      "[%d/%d] %-22s step %6d loss %.3f %5.0f img/s | experiment ETA %s",
                      p.index + 1, p.count, p.runId.c_str(), p.train.step, p.train.loss,
                      p.train.imagesPerSecond, cli::formatDuration(p.etaSeconds).c_str());
        std::cerr << (tty ? "\r" : "") << line << (tty ? "" : "\n") << std::flush;
    };
    runner.setEvents(events);

    // Ctrl+C / SIGTERM: the run in progress stops with a checkpoint.
    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });
    std::atomic<bool> done{false}, interrupted{false};
    std::thread watcher([&] {
        while (!done) {
            if (g_stop.exchange(false)) {
                interrupted = true;
                runner.stop();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    std::string commandLine;
    for (int i = 0; i < argc; ++i)
        commandLine += (i ? " " : "") + std::string(argv[i]);
    latent::ExperimentResult result;
    try {
        result = runner.run(commandLine);
    } catch (...) {
        done = true;
        watcher.join();
        throw;
    }
    done = true;
    watcher.join();
    if (result.completed) std::cout << result.report;
    // Stopped on request: resumable (130, as train). Incomplete otherwise: a run failed.
    return result.completed ? 0 : interrupted ? cli::kInterruptedExitCode : 1;
}
