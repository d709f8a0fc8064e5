// SPDX-License-Identifier: MIT
#include "experimentcommand.h"

#include "cliutil.h"

#include "atomicfile.h"
#include "error.h"
#include "experiment.h"
#include "generator.h"
#include "paths.h"
#include "trainer.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

namespace fs = std::filesystem;

namespace {

std::string gitCommit()
{
    FILE *p = ::popen("git rev-parse --short HEAD 2>/dev/null", "r");
    if (!p) return "unknown";
    char buf[64] = {0};
    const bool ok = std::fgets(buf, sizeof buf, p) != nullptr;
    ::pclose(p);
    std::string s = ok ? buf : "unknown";
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s.empty() ? "unknown" : s;
}

// The learned walks of rows d and e, made once per experiment folder.
latent::DirectionSet walksFor(const std::string &out, const latent::Generator &gen)
{
    const std::string path = out + "/walks.json";
    if (fs::exists(path))
        return latent::directionSetFromJson(
            latent::readFileCapped(path, "walks " + path, latent::kMaxRecipeBytes), path);
    std::cerr << "learning steering walks (zoom, shift x, shift y) for rows d and e...\n";
    latent::SteerOptions o;
    o.transforms = {latent::SteerTransform::Zoom, latent::SteerTransform::ShiftX,
                    latent::SteerTransform::ShiftY};
    latent::DirectionSet walks = latent::learnSteeringWalks(gen, o);
    walks.name = "walks";
    latent::writeFileAtomically(path, latent::directionSetToJson(walks));
    return walks;
}

} // namespace

void ExperimentCommand::add(CLI::App &app)
{
    command = app.add_subcommand(
        "experiment", "run the paper's comparison (synthetic views vs real data) as one command");
    command->add_option("name", name, "experiment: paper-table")
        ->required()
        ->check(CLI::IsMember({"paper-table"}));
    command->add_option("--budget-minutes", options.budgetMinutes, "training minutes per run")
        ->check(CLI::Range(0.05, 1e5))
        ->capture_default_str();
    command->add_option("--seeds", options.seeds, "seeds per row")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    command->add_option("--sigmas", options.sigmas, "Gaussian sigmas of row c")->delimiter(',');
    command->add_option("--generator", generator, "generator (.pt or 'default')")
        ->capture_default_str();
    command->add_option("--batch", options.base.batch, "anchors per step")
        ->check(CLI::Range(2, 65536))
        ->capture_default_str();
    command->add_option("--lr", options.base.lr, "peak learning rate")->capture_default_str();
    command->add_option("--probe-every", options.base.probeEvery, "online evaluation interval")
        ->capture_default_str();
    command->add_option("--out", out, "experiment folder (rerun the same command to resume)")
        ->capture_default_str();
}

int ExperimentCommand::run(const std::string &exeDir, int threads, int argc, char **argv)
{
    if (!*command) return -1;
    options.base.threads = threads;
    options.base.generator =
        fs::absolute(latent::resolveGeneratorArgument(generator, exeDir)).string();
    fs::create_directories(out + "/runs");
    const auto gen = latent::Generator::load(options.base.generator);
    latent::ViewRecipe base;
    base.generator = {fs::path(options.base.generator).filename().string(),
                      latent::sha256OfFile(options.base.generator)};
    const auto plan = latent::paperTablePlan(options, base, walksFor(out, *gen));

    bool interrupted = false;
    const auto started = std::chrono::steady_clock::now();
    double overhead =
        60; // seconds per run beyond the budget (set-up, final evaluation); measured below
    int done = 0;
    for (std::size_t i = 0; i < plan.size() && !interrupted; ++i) {
        const auto &run = plan[i];
        const std::string dir = out + "/runs/" + run.id;
        if (fs::exists(dir + "/status.json") &&
            latent::readRunStatus(dir).state == latent::RunState::Finished)
            continue;
        const auto t0 = std::chrono::steady_clock::now();
        std::unique_ptr<latent::Trainer> t =
            fs::exists(dir + "/config.json") ? latent::Trainer::open(dir)
                                             : latent::Trainer::create(dir, run.config, run.recipe);
        int remaining = 0;
        for (std::size_t j = i; j < plan.size(); ++j)
            if (!(fs::exists(out + "/runs/" + plan[j].id + "/status.json") &&
                  latent::readRunStatus(out + "/runs/" + plan[j].id).state ==
                      latent::RunState::Finished))
                ++remaining;
        const double budget = options.budgetMinutes * 60;
        const bool tty = ::isatty(STDERR_FILENO);
        latent::TrainObserver o;
        o.progress = [&, i, remaining](const latent::TrainProgress &p) {
            static auto last = std::chrono::steady_clock::now();
            const auto now = std::chrono::steady_clock::now();
            if (now - last < std::chrono::seconds(tty ? 1 : 30)) return;
            last = now;
            const double eta =
                (budget - p.elapsedSeconds) + overhead + (remaining - 1) * (budget + overhead);
            char line[300];
            std::snprintf(line, sizeof line,
                          "[%zu/%zu] %-22s step %6d loss %.3f %5.0f img/s | experiment ETA %s",
                          i + 1, plan.size(), run.id.c_str(), p.step, p.loss, p.imagesPerSecond,
                          cli::formatDuration(eta).c_str());
            std::cerr << (tty ? "\r" : "") << line << (tty ? "" : "\n") << std::flush;
        };
        t->setObserver(o);
        interrupted = cli::trainUntilDone(*t);
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        overhead = std::max(10.0, took - budget);
        const auto rows = t->metrics();
        double probe = NAN, knn = NAN;
        for (const auto &r : rows)
            if (r.kind == "final") probe = r.probe, knn = r.knn;
        std::cerr << (tty ? "\n" : "") << run.id << ": " << latent::toString(t->state())
                  << (std::isnan(probe)
                          ? std::string()
                          : ", final probe " + std::to_string(100 * probe).substr(0, 5) +
                                "%, kNN " + std::to_string(100 * knn).substr(0, 5) + "%")
                  << (t->message().empty() ? "" : " (" + t->message() + ")") << "\n";
        ++done;
    }
    if (interrupted) {
        std::cerr << "experiment interrupted; rerun the same command to resume\n";
        return 0;
    }

    // Floors (cached in the first run's folder), the table and the figures.
    const latent::Floors floors = latent::computeFloors(out + "/runs/" + plan.front().id);
    std::vector<latent::RunSummary> runs;
    for (const auto &run : plan) {
        try {
            runs.push_back(latent::readRunSummary(out + "/runs/" + run.id));
        } catch (const latent::Error &e) {
            std::cerr << "latent-cli: warning: " << e.what() << "\n";
        }
    }
    std::map<std::string, const latent::RunSummary *> byId;
    for (const auto &r : runs)
        byId[r.name] = &r;
    const auto mean = [](const std::vector<double> &v) {
        double s = 0;
        for (double x : v)
            s += x;
        return v.empty() ? NAN : s / v.size();
    };
    const auto rowMean = [&](const std::string &recipeName, bool knn) {
        std::vector<double> v;
        for (const auto &run : plan)
            if (run.recipe.name == recipeName && byId.count(run.id) &&
                !std::isnan(byId[run.id]->finalProbe))
                v.push_back(knn ? byId[run.id]->finalKnn : byId[run.id]->finalProbe);
        return mean(v);
    };
    latent::ChartSeries probeSigma{"probe, Gaussian views", {}, {}},
        knnSigma{"kNN, Gaussian views", {}, {}};
    for (float s : options.sigmas) {
        std::ostringstream n;
        n << "c-sigma" << s;
        probeSigma.x.push_back(s), probeSigma.y.push_back(rowMean(n.str(), false));
        knnSigma.x.push_back(s), knnSigma.y.push_back(rowMean(n.str(), true));
    }
    latent::ChartSeries realProbe{
        "probe, real data", {options.sigmas.front()}, {rowMean("a", false)}, true};
    latent::ChartSeries pixelFloor{
        "probe, raw pixels", {options.sigmas.front()}, {floors.pixelProbe}, true};
    latent::writeLineChart(out + "/accuracy-vs-sigma.png",
                           "Final accuracy against the Gaussian view sigma", "sigma", "accuracy",
                           {probeSigma, knnSigma, realProbe, pixelFloor});
    // Accuracy against training time: the online probes of each seed-1 run.
    std::vector<latent::ChartSeries> curves;
    for (const auto &run : plan) {
        if (run.seed != 1 || !byId.count(run.id)) continue;
        if (run.row != "a" && run.row != "b" && run.id.find("sigma0.2") == std::string::npos &&
            run.row != "f")
            continue;
        latent::ChartSeries s{run.recipe.name, {}, {}};
        for (const auto &r : byId[run.id]->metrics)
            if (r.kind == "online") s.x.push_back(r.wallSeconds / 60), s.y.push_back(r.probe);
        curves.push_back(s);
    }
    latent::writeLineChart(out + "/accuracy-vs-budget.png",
                           "Online linear probe (subsets) against training time", "minutes",
                           "accuracy", curves);

    latent::ExperimentContext context;
    for (int i = 0; i < argc; ++i)
        context.command += (i ? " " : "") + std::string(argv[i]);
    context.machine = latent::machineDescription();
    context.commit = gitCommit();
    context.budgetMinutes = options.budgetMinutes;
    context.seeds = options.seeds;
    const std::string report = latent::experimentReport(
        plan, runs, floors.randomProbe, floors.randomKnn, floors.pixelProbe, floors.pixelKnn,
        context, {"accuracy-vs-sigma.png", "accuracy-vs-budget.png"});
    latent::writeFileAtomically(out + "/results.md", report);
    std::cout
        << report << "\nwrote " << out << "/results.md and its figures ("
        << cli::formatDuration(
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count())
        << ")\n";
    return 0;
}
