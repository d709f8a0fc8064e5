// SPDX-License-Identifier: MIT
#include "eval/experimentrunner.h"

#include "atomicfile.h"
#include "data/dataset.h"
#include "error.h"
#include "generators/generator.h"
#include "jsonfields.h"
#include "provenance.h"
#include "runtime.h"
#include "train/mixedprecision.h"
#include "train/runsummary.h"
#include "views/directions.h" // Cancelled

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

namespace latent {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

bool finished(const std::string &dir)
{
    return fs::exists(dir + "/status.json") && readRunStatus(dir).state == RunState::Finished;
}

// The first difference between two JSON texts, as "field: A there, B now";
// empty when they are equal. Both sides go through the same writer first, so
// number formatting cannot differ.
std::string firstDifference(const std::string &stored, const std::string &planned)
{
    using json::Json;
    const Json a = Json::parse(stored), b = Json::parse(planned);
    const Json patch = Json::diff(a, b);
    if (patch.empty()) return {};
    std::string path = patch[0].at("path").get<std::string>();
    // An array that grew is reported as ".../-" (append): name the array.
    if (path.size() >= 2 && path.compare(path.size() - 2, 2, "/-") == 0)
        path.resize(path.size() - 2);
    const Json::json_pointer field(path);
    std::string name = path.empty() ? "the whole file" : path.substr(1);
    for (char &c : name)
        if (c == '/') c = '.';
    const auto text = [&field](const Json &j) {
        if (!j.contains(field)) return std::string("absent");
        const Json &v = j.at(field);
        if (v.is_number_float()) {
            char buf[32]; // floats are stored as floats: 0.8, not 0.800000011920929
            std::snprintf(buf, sizeof buf, "%g", v.get<double>());
            return std::string(buf);
        }
        if (v.is_array()) return std::to_string(v.size()) + " entries";
        const std::string dump = v.dump();
        return dump.size() <= 60 ? dump : dump.substr(0, 57) + "...";
    };
    return name + ": " + text(a) + " there, " + text(b) + " now";
}

// Machine-dependent settings, how often a run checkpoints and the
// generator's path may change between sessions without changing the run
// (the recipe holds the generator's hash); data sources compare as the run
// records them (absolute), also those of runs made before it did. The
// stored size of image folders means nothing for IDX or CIFAR data (runs
// made before the setting read 0 there).
std::string comparableConfig(TrainConfig c)
{
    c = withAbsolutePaths(std::move(c));
    const auto folder = [](const std::string &source) {
        return !source.empty() && isImageFolderSource(source);
    };
    if (!folder(c.realData) && !folder(c.evalData)) c.maxShorterSide = TrainConfig{}.maxShorterSide;
    c.generator.clear();
    c.checkpointMinutes = TrainConfig{}.checkpointMinutes;
    c.device = "auto"; // a table may move to another machine; its precision setting stays
    c.threads = 0;
    return toJson(c);
}

// Sigma means nothing while Gaussian views are off (rows a, b, d), and
// follows the studio's default recipe there.
std::string comparableRecipe(ViewRecipe r)
{
    if (!r.views.gaussian) r.views.sigma = 0;
    return toJson(r);
}

// A run folder left by an earlier plan (other sigma, budget, batch...) would
// be counted as a row of this one; refuse before training anything.
void checkSamePlan(const std::string &out, const std::string &dir, const ExperimentRun &run)
{
    if (!fs::exists(dir + "/config.json")) return;
    std::string difference = firstDifference(
        comparableConfig(readTrainConfig(dir + "/config.json")), comparableConfig(run.config));
    if (difference.empty() && fs::exists(dir + "/recipe.json"))
        difference = firstDifference(comparableRecipe(readRecipe(dir + "/recipe.json")),
                                     comparableRecipe(run.recipe));
    if (difference.empty()) return;
    throw Error("experiment folder " + out + ": run " + run.id + " was made with other settings (" +
                difference + "); use another folder, or delete " + dir + " to run it again");
}

} // namespace

struct ExperimentRunner::Impl
{
    std::string out;
    ExperimentOptions options;
    SteerOptions walkOptions;
    ExperimentEvents events;
    std::mutex mutex;
    std::atomic<bool> stopped{false};    // read by the walks' progress, between runs
    std::atomic<bool> cancelCard{false}; // stop() during the report card
    Trainer *current = nullptr;          // guarded by mutex
    ExperimentContext context;           // of the report, but its card and progress

    void log(const std::string &line) const
    {
        if (events.log) events.log(line);
    }
    std::string runDir(const ExperimentRun &r) const { return out + "/runs/" + r.id; }
    DirectionSet walks(const Generator &generator) const;
    bool trainAll(const std::vector<ExperimentRun> &plan, int laterRuns);
    std::string reportCard(const Generator &generator) const;
    std::vector<RunSummary> summaries(const std::vector<ExperimentRun> &plan) const;
    std::vector<RunSummary> writeProgress(const std::vector<ExperimentRun> &plan,
                                          int laterRuns) const;
    void writeFigures(const std::vector<ExperimentRun> &plan,
                      std::map<std::string, const RunSummary *> &byId) const;
};

// Rows d and e share one set of learned walks, made once per folder.
DirectionSet ExperimentRunner::Impl::walks(const Generator &generator) const
{
    const std::string path = out + "/walks.json";
    if (fs::exists(path))
        return directionSetFromJson(readFileCapped(path, "walks " + path, kMaxRecipeBytes), path);
    log("learning steering walks for rows d and e...");
    // Stop ends the walks too (hundreds of steps through the generator).
    DirectionSet set = learnSteeringWalks(generator, walkOptions,
                                          [this](float, const std::string &) { return !stopped; });
    set.name = "walks";
    writeFileAtomically(path, directionSetToJson(set));
    return set;
}

void ExperimentRunner::Impl::writeFigures(const std::vector<ExperimentRun> &plan,
                                          std::map<std::string, const RunSummary *> &byId) const
{
    // Mean final validation accuracy of a row over its finished seeds, in
    // percent: the sweep is a choice, made on validation (test is reported
    // in the table only).
    const auto rowMean = [&](const std::string &recipeName, bool knn) {
        double sum = 0;
        int n = 0;
        for (const auto &run : plan)
            if (run.recipe.name == recipeName && byId.count(run.id) &&
                !std::isnan(byId[run.id]->finalValProbe)) {
                sum += knn ? byId[run.id]->finalValKnn : byId[run.id]->finalValProbe;
                ++n;
            }
        return n ? 100 * sum / n : NAN;
    };
    // Row c's recipes in sweep order, named by the plan (seed 1 lists each once).
    ChartSeries probeSigma{"probe, Gaussian views", {}, {}},
        knnSigma{"kNN, Gaussian views", {}, {}};
    const ExperimentRun *best = nullptr;
    for (const auto &run : plan) {
        if (run.row != "c" || run.seed != 1) continue;
        probeSigma.x.push_back(run.sigma), probeSigma.y.push_back(rowMean(run.recipe.name, false));
        knnSigma.x.push_back(run.sigma), knnSigma.y.push_back(rowMean(run.recipe.name, true));
        if (!best || probeSigma.y.back() > rowMean(best->recipe.name, false)) best = &run;
    }
    const double x0 = options.sigmas.empty() ? 1 : options.sigmas.front();
    ChartSeries realProbe{"probe, real data", {x0}, {rowMean("a", false)}, true};
    ChartSeries realKnn{"kNN, real data", {x0}, {rowMean("a", true)}, true};
    writeLineChart(out + "/accuracy-vs-sigma.png",
                   "Final validation accuracy against the Gaussian view sigma (mean over seeds)",
                   "sigma", "accuracy %", {probeSigma, knnSigma, realProbe, realKnn},
                   /*logX=*/true);

    // Accuracy against the budget (training time, or steps under a step
    // budget): the online probes of real data, pixel-only, the best sigma and
    // SupCon, averaged over seeds at each evaluation step (the seeds evaluate
    // at the same steps).
    const bool bySteps = options.budgetSteps > 0;
    std::vector<ChartSeries> curves;
    std::vector<std::pair<std::string, std::string>> rows = {{"a", "a: real data"},
                                                             {"b", "b: generated, pixel only"}};
    if (best) {
        std::ostringstream name;
        name << "c: Gaussian sigma " << best->sigma;
        rows.emplace_back(best->recipe.name, name.str());
    }
    rows.emplace_back("f", "f: SupCon");
    for (const auto &[row, name] : rows) {
        std::map<int, std::pair<double, double>> sums; // step -> (minutes or steps, probe %)
        std::map<int, int> counts;
        int seeds = 0;
        for (const auto &run : plan) {
            if (run.recipe.name != row || !byId.count(run.id)) continue;
            ++seeds;
            for (const auto &r : byId[run.id]->metrics)
                if (r.kind == "online") {
                    sums[r.step].first += bySteps ? r.step : r.wallSeconds / 60;
                    sums[r.step].second += 100 * r.onlineProbe();
                    ++counts[r.step];
                }
        }
        ChartSeries s{name, {}, {}};
        for (const auto &[step, sum] : sums)
            if (counts[step] == seeds)
                s.x.push_back(sum.first / seeds), s.y.push_back(sum.second / seeds);
        if (!s.x.empty()) curves.push_back(s);
    }
    writeLineChart(out + "/accuracy-vs-budget.png",
                   bySteps ? "Online validation linear probe (subsets) against training steps, "
                             "mean over seeds"
                           : "Online validation linear probe (subsets) against training time, "
                             "mean over seeds",
                   bySteps ? "steps" : "minutes", "accuracy %", curves);
}

ExperimentRunner::ExperimentRunner(std::string outDir, ExperimentOptions options,
                                   SteerOptions walkOptions)
    : m(std::make_unique<Impl>())
{
    m->out = std::move(outDir);
    m->options = std::move(options);
    if (walkOptions.transforms.empty())
        walkOptions.transforms = {SteerTransform::Zoom, SteerTransform::ShiftX,
                                  SteerTransform::ShiftY};
    m->walkOptions = walkOptions;
}

ExperimentRunner::~ExperimentRunner() = default;

void ExperimentRunner::setEvents(ExperimentEvents events)
{
    m->events = std::move(events);
}

void ExperimentRunner::stop()
{
    std::lock_guard lock(m->mutex);
    m->stopped = true;
    m->cancelCard = true;
    if (m->current) m->current->stop();
}

// The generator's card against the evaluation data, made once per folder
// (report-card/); a generator that cannot be compared with the data gets the
// reason instead.
namespace {

// How the generated rows sampled, for the report: the generator, a diffusion
// generator's sampler, the anchor pool.
std::string generationText(const Generator &generator, const ExperimentOptions &options)
{
    const GeneratorInfo &info = generator.info();
    std::ostringstream out;
    out << "Generated rows sample " << info.name;
    if (info.isDiffusion()) {
        const SamplerSettings s = generator.samplerSettings();
        out << " (diffusion: DDIM " << s.steps << " steps, guidance " << s.guidance << ", eta "
            << s.eta << ")";
    }
    if (options.anchorPool > 0)
        out << "; their anchors come from an anchor pool of " << options.anchorPool << " with "
            << options.anchorPoolRefresh << " new per step";
    if (planHasRow(options, "r"))
        out << "; row r re-noises each view to strength " << options.renoise;
    out << ".";
    return out.str();
}

} // namespace

std::string ExperimentRunner::Impl::reportCard(const Generator &generator) const
{
    const std::string dir = out + "/report-card", md = dir + "/report-card.md";
    const std::string heading = "# Generator report card\n\n";
    try {
        // Opened first, as the runs open it: a cached card stands only for the
        // data as it reads now.
        log("reading " + options.base.evalData + " for the generator's report card");
        DatasetOptions read;
        read.skipUnreadable = options.base.skipUnreadable;
        read.maxShorterSide = options.base.maxShorterSide;
        const Dataset data = openDataset(options.base.evalData, read);
        if (fs::exists(md)) {
            const std::string differs = reportCardDifference(
                dir + "/report-card.json", generator, data, options.base.evalData, options.card);
            if (differs.empty()) {
                std::string text = readFileCapped(md, "report card " + md, 1 << 20);
                if (text.rfind(heading, 0) == 0) text.erase(0, heading.size());
                const std::string image = "](nearest.png)";
                if (const auto at = text.find(image); at != std::string::npos)
                    text.replace(at, image.size(), "](report-card/nearest.png)");
                return text + "\nFiles: report-card/.\n";
            }
            log("the report card in " + dir + " was measured differently (" + differs +
                "); measuring it again");
        }
        log("the generator's report card against " + options.base.evalData + "...");
        ReportCardOptions card = options.card;
        if (card.cacheDir.empty()) card.cacheDir = defaultClassifierCacheDir();
        ReportCard c = computeReportCard(generator, data, card, &cancelCard);
        c.generator = fs::path(generator.path()).filename().string();
        c.data = options.base.evalData;
        writeReportCard(c, dir);
        return reportCardMarkdown(c, "report-card/nearest.png") + "\nFiles: report-card/.\n";
    } catch (const Error &e) {
        return std::string("Not measured: ") + e.what() + ".\n";
    }
}

// Trains every unfinished run of `plan` in order (an interrupted one resumes
// from its checkpoint); `laterRuns` more are known to follow (the ETA).
// False when stopped or when a run did not finish.
bool ExperimentRunner::Impl::trainAll(const std::vector<ExperimentRun> &plan, int laterRuns)
{
    for (const auto &run : plan)
        checkSamePlan(out, runDir(run), run);
    // A resumed table shows what it has so far; the runs read for it also
    // time the rows for the ETA, until the next run ends and reads them again.
    std::vector<RunSummary> known = writeProgress(plan, laterRuns);
    // The ETA: a time budget is known; a step budget is estimated from the
    // current run's own ETA and the rows measured so far.
    const bool bySteps = options.budgetSteps > 0;
    double overhead = 60; // seconds per run beyond training (set-up, final evaluation)
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const ExperimentRun &run = plan[i];
        const std::string dir = runDir(run);
        if (finished(dir)) continue;
        std::vector<std::string> toCome(laterRuns); // rows e, f and g: not planned yet
        for (std::size_t j = i + 1; j < plan.size(); ++j)
            if (!finished(runDir(plan[j]))) toCome.push_back(plan[j].recipe.name);
        const std::map<std::string, double> rowSeconds = rowTrainingSeconds(plan, known);
        const auto t0 = Clock::now();
        std::unique_ptr<Trainer> trainer =
            holdsRun(dir) ? Trainer::open(dir) : Trainer::create(dir, run.config, run.recipe);
        TrainObserver observer;
        observer.progress = [&, i, toCome, rowSeconds](const TrainProgress &p) {
            if (!events.progress) return;
            ExperimentProgress e;
            e.index = static_cast<int>(i);
            e.count = static_cast<int>(plan.size()) + laterRuns;
            e.runId = run.id;
            e.train = p;
            const double budget =
                bySteps ? p.elapsedSeconds + p.etaSeconds : options.budgetMinutes * 60;
            e.etaSeconds = experimentEtaSeconds(budget - p.elapsedSeconds, budget, overhead, toCome,
                                                rowSeconds);
            events.progress(e);
        };
        trainer->setObserver(observer);
        {
            std::lock_guard lock(mutex);
            if (stopped) break;
            current = trainer.get();
        }
        trainer->start();
        trainer->wait();
        {
            std::lock_guard lock(mutex);
            current = nullptr;
        }
        double trained = 0; // seconds of training, from the last metric row
        for (const auto &r : trainer->metrics())
            trained = std::max(trained, r.wallSeconds);
        overhead = std::max(10.0, secondsSince(t0) - trained);
        std::string line = run.id + ": " + toString(trainer->state());
        for (const auto &r : trainer->metrics())
            if (r.kind == "final") line = run.id + ": final " + describeEvaluation(r);
        if (!trainer->message().empty()) line += " (" + trainer->message() + ")";
        known = writeProgress(plan, laterRuns); // before the line, which the studio reacts to
        log(line);
        std::lock_guard lock(mutex);
        if (stopped) break;
    }
    std::string unfinished;
    for (const auto &run : plan)
        if (!finished(runDir(run))) unfinished += (unfinished.empty() ? "" : ", ") + run.id;
    if (unfinished.empty()) return true;
    std::lock_guard lock(mutex);
    log(stopped ? "experiment stopped; run it again to resume"
                : "experiment incomplete: " + unfinished +
                      " did not finish (see each run's status.json); run it again to resume");
    return false;
}

// results.md while runs remain, rewritten after each run: the table of the
// runs finished so far (a long table is read long before it ends), headed
// by what is missing; not written once every run has finished (the final
// report replaces it). A convenience: what it cannot read or write is
// logged, never the end of the experiment. Returns the runs it read.
std::vector<RunSummary>
ExperimentRunner::Impl::writeProgress(const std::vector<ExperimentRun> &plan, int laterRuns) const
{
    int done = 0;
    std::vector<RunSummary> runs; // of the runs begun so far and readable
    for (const auto &run : plan) {
        if (!fs::is_directory(runDir(run))) continue;
        try {
            runs.push_back(readRunSummary(runDir(run)));
            done += runs.back().status.state == RunState::Finished ? 1 : 0;
        } catch (const Error &) { // one interrupted while it was created (holdsRun): trained again
        }
    }
    const std::size_t total = plan.size() + laterRuns;
    if (static_cast<std::size_t>(done) == total) return runs;
    std::ostringstream head;
    head << "**In progress:** " << done << " of " << total << " runs finished";
    if (laterRuns > 0)
        head << " (" << laterRuns << " of them in rows e, f and g, planned once row c's sigma is "
             << "chosen)";
    head << ". The floors, the figures and the generator's report card come when every run has "
            "finished; run the same command again to resume.";
    ExperimentContext c = context;
    c.progress = head.str();
    try {
        writeFileAtomically(out + "/results.md", experimentReport(plan, runs, {}, c, {}));
    } catch (const Error &e) {
        log(std::string("the table so far was not written: ") + e.what());
    }
    return runs;
}

std::vector<RunSummary>
ExperimentRunner::Impl::summaries(const std::vector<ExperimentRun> &plan) const
{
    std::vector<RunSummary> runs;
    for (const auto &run : plan)
        runs.push_back(readRunSummary(runDir(run)));
    return runs;
}

ExperimentResult ExperimentRunner::run(const std::string &command)
{
    const auto started = Clock::now();
    // An empty folder would put the runs under /runs.
    if (m->out.empty())
        throw Error("experiment folder: none given; expected a folder to write into");
    const ExperimentOptions &options = m->options;
    if (planHasRow(options, "c") && options.sigmas.empty())
        throw Error("experiment: row c is in the plan but has no sigma; give its sigmas "
                    "(--sigmas), for example 0.4 or 0.2 0.8");
    const bool choose = planNeedsChosenSigma(options);
    if (choose && (!planHasRow(options, "c") || options.sigmas.empty()))
        throw Error("experiment: rows e, f and g take row c's best sigma on validation, but row "
                    "c is not in the plan; give their sigma (--sigma)");
    // A device or precision this machine cannot run fails here, not at the first run.
    choosePrecision(options.base.precision,
                    chooseDevice(options.base.device, 0, "experiment: device"),
                    "experiment: precision");
    const auto generator = Generator::load(options.base.generator);
    // Before hours of rows a-g, not when row r's first run is made.
    if (planHasRow(options, "r") && !generator->info().isDiffusion())
        throw Error("experiment: row r (re-noised views) needs a diffusion generator, and " +
                    generator->info().name + " (" + options.base.generator +
                    ") is a GAN; leave r out of the rows");
    std::error_code ec;
    fs::create_directories(m->out + "/runs", ec);
    if (ec) throw Error("experiment folder " + m->out + ": cannot create it: " + ec.message());
    ViewRecipe base = defaultRecipeFor(generator->info());
    base.generator = {fs::path(options.base.generator).filename().string(),
                      sha256OfFile(options.base.generator)};
    DirectionSet walks;
    try {
        if (planNeedsWalks(options)) walks = m->walks(*generator);
    } catch (const Cancelled &) {
        m->log("experiment stopped; run it again to resume");
        return {};
    }
    ExperimentContext &context = m->context;
    context.generation = generationText(*generator, options);
    context.command = command;
    context.machine = machineDescription();
    context.commit = buildDescription(); // this binary's, recorded when it was built
    context.budgetMinutes = options.budgetMinutes;
    context.budgetSteps = options.budgetSteps;
    context.seeds = options.seeds;
    context.sigmaToChoose = choose;

    // Rows a-d first; with a chosen sigma, rows e, f and g once row c has
    // finished at every seed.
    auto plan = paperTablePlan(options, base, walks);
    int later = 0; // runs of rows e, f and g, planned once sigma is chosen
    for (const char *row : {"e", "f", "g"})
        later += choose && planHasRow(options, row) ? options.seeds : 0;
    if (!m->trainAll(plan, later)) return {};
    if (choose) {
        const SigmaChoice choice = chooseSigma(plan, m->summaries(plan));
        if (choice.sigma <= 0)
            throw Error("experiment folder " + m->out +
                        ": no run of row c has a validation probe to choose sigma from");
        std::ostringstream line;
        line << "sigma " << choice.sigma << " chosen on validation for rows e, f and g (row c's "
             << "mean validation probe " << 100 * choice.validationProbe << "%)";
        m->log(line.str());
        plan = paperTablePlan(options, base, walks, choice.sigma);
        context.sigmaChosen = true;
        context.sigmaToChoose = false;
        if (!m->trainAll(plan, 0)) return {};
    }

    // The floors of every seed, on that seed's first run.
    m->log("floors: random-init encoder and raw pixels, at every seed...");
    std::vector<SeedFloors> floors;
    for (int seed = 1; seed <= options.seeds; ++seed)
        for (const auto &run : plan)
            if (run.seed == seed) {
                floors.push_back({seed, computeFloors(m->runDir(run))});
                break;
            }
    const std::vector<RunSummary> runs = m->summaries(plan);
    std::map<std::string, const RunSummary *> byId;
    for (const auto &r : runs)
        byId[r.name] = &r;
    m->writeFigures(plan, byId);

    if (options.reportCard) {
        try {
            context.reportCard = m->reportCard(*generator);
        } catch (const Cancelled &) {
            m->log("experiment stopped; run it again to resume");
            return {};
        }
    }
    ExperimentResult result;
    result.completed = true;
    result.report = experimentReport(plan, runs, floors, context,
                                     {"accuracy-vs-sigma.png", "accuracy-vs-budget.png"});
    result.reportPath = m->out + "/results.md";
    writeFileAtomically(result.reportPath, result.report);
    m->log("wrote " + result.reportPath + " (" +
           std::to_string(std::lround(secondsSince(started))) + " s)");
    return result;
}

} // namespace latent
