// SPDX-License-Identifier: MIT
#include "eval/experiment.h"

#include "eval/evaluation.h"

#include "error.h"
#include "eval/numbertext.h"
#include "imagegrid.h"
#include "runtime.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

namespace latent {
namespace {

std::string sigmaText(float s)
{
    std::ostringstream o;
    o << s;
    return o.str();
}

struct MeanSd
{
    double mean = NAN, sd = NAN;
    int n = 0;
};

// Over the measured values (NaN: not measured, e.g. the validation column
// of runs made before the validation split).
MeanSd meanSd(std::vector<double> v)
{
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    MeanSd m;
    m.n = static_cast<int>(v.size());
    if (v.empty()) return m;
    double s = 0;
    for (double x : v)
        s += x;
    m.mean = s / v.size();
    double q = 0;
    for (double x : v)
        q += (x - m.mean) * (x - m.mean);
    m.sd = v.size() > 1 ? std::sqrt(q / (v.size() - 1)) : 0;
    return m;
}

std::string cell(const MeanSd &m)
{
    if (m.n == 0) return "–";
    return percentText(m.mean) + (m.n > 1 ? " ± " + percentText(m.sd) : "");
}

// Minutes as "12.4 ± 0.3"; "–" without any.
std::string minutesCell(const MeanSd &m)
{
    if (m.n == 0) return "–";
    return fixedText(m.mean, 1) + (m.n > 1 ? " ± " + fixedText(m.sd, 1) : "");
}

// Paired differences [0, 1] as "+1.3 ± 0.4, > 2 sd" (points); "–" without any.
std::string pairedCell(const std::vector<double> &differences)
{
    const MeanSd m = meanSd(differences);
    if (m.n == 0) return "–";
    std::string mean = percentText(m.mean);
    if (mean == "-0.0") mean = "0.0";
    if (mean.front() != '-') mean = "+" + mean;
    if (m.n == 1) return mean + " (1 seed)";
    return mean + " ± " + percentText(m.sd) +
           (std::abs(m.mean) > 2 * m.sd ? ", > 2 sd" : ", within 2 sd");
}

// Where the runs' validation part came from, as their last sessions
// recorded it ("" when none did: runs from before it was recorded).
std::string validationPartOf(const std::vector<RunSummary> &runs)
{
    for (const RunSummary &r : runs)
        if (!r.sessions.empty() && !r.sessions.back().validationPart.empty())
            return r.sessions.back().validationPart;
    return "";
}

// "KEY1 (a-s1, b-s1); KEY2 (c-s1)".
std::string groupsText(const std::map<std::string, std::vector<std::string>> &groups)
{
    std::string text;
    for (const auto &[k, names] : groups) {
        text += (text.empty() ? "" : "; ") + k + " (";
        for (std::size_t i = 0; i < names.size(); ++i)
            text += (i ? ", " : "") + names[i];
        text += ")";
    }
    return text;
}

// "KEY1 (a-s1, b-s1); KEY2 (c-s1)": the runs grouped by `key` of their last
// session (runs with an empty key left out); "" when they all share one.
std::string runsWhere(const std::vector<RunSummary> &runs,
                      const std::function<std::string(const RunSession &)> &key)
{
    std::map<std::string, std::vector<std::string>> groups; // key -> runs
    for (const RunSummary &r : runs)
        if (!r.sessions.empty() && !key(r.sessions.back()).empty())
            groups[key(r.sessions.back())].push_back(r.name);
    return groups.size() < 2 ? "" : groupsText(groups);
}

// "fp32", or "bf16, then fp32" for a run resumed on another machine (auto
// resolves per session); a session from before it was recorded has its
// config's setting when that is not auto, else "not recorded".
std::string precisionOf(const RunSummary &run)
{
    const std::string configured =
        run.config.precision == "auto" ? "not recorded" : run.config.precision;
    std::string text, last;
    for (const RunSession &s : run.sessions) {
        const std::string p = s.precision.empty() ? configured : s.precision;
        if (p != last) text += (text.empty() ? "" : ", then ") + p;
        last = p;
    }
    return text.empty() ? configured : text;
}

// The precision the runs trained at: one sentence when they share it, the
// runs grouped by it when they do not (such rows are not at equal settings).
std::string precisionsOf(const std::vector<RunSummary> &runs)
{
    std::map<std::string, std::vector<std::string>> groups; // precision -> runs
    for (const RunSummary &r : runs)
        groups[precisionOf(r)].push_back(r.name);
    if (groups.empty()) return "";
    const std::string unknown =
        " (runs from before it was kept; runtime.precision auto trains in bf16 on a CPU with "
        "native bfloat16, else in fp32)";
    const bool someUnknown = std::any_of(groups.begin(), groups.end(), [](const auto &g) {
        return g.first.find("not recorded") != std::string::npos;
    });
    if (groups.size() > 1)
        return someUnknown ? "The runs' precisions: " + groupsText(groups) + unknown + ". "
                           : "The runs trained at different precisions, so their rows are not at "
                             "equal settings: " +
                                 groupsText(groups) + ". ";
    const std::string &p = groups.begin()->first;
    if (p == "not recorded") return "The runs' precision is not recorded" + unknown + ". ";
    return "Every run trained in " + p + ". ";
}

// What keeps rows from comparing: the runs' last sessions read the real
// data's splits differently (a dataset folder changed during a table), or
// evaluated with other probe settings (runs of builds with other defaults).
std::string differences(const std::vector<RunSummary> &runs)
{
    std::string text;
    const std::string data = runsWhere(runs, [](const RunSession &s) { return s.dataSplits; });
    if (!data.empty())
        text += "The runs read different data, so their rows do not compare: " + data + ". ";
    const std::string probes = runsWhere(runs, [](const RunSession &s) {
        if (s.protocol.empty()) return std::string("probe settings not recorded");
        const ProbeSettings p = probeSettingsOf(s.protocol);
        std::ostringstream out;
        out << "probe " << p.iterations << " iterations, L2 " << p.l2 << ", kNN temperature "
            << p.knnTemperature;
        return out.str();
    });
    if (!probes.empty())
        text += "The runs were evaluated with different settings, so their rows do not compare: " +
                probes + ". ";
    return text;
}

// The probes' settings the runs recorded (the first run that did), else this build's.
ProbeSettings probeSettingsOfRuns(const std::vector<RunSummary> &runs)
{
    for (const RunSummary &r : runs)
        if (!r.sessions.empty() && !r.sessions.back().protocol.empty())
            return probeSettingsOf(r.sessions.back().protocol);
    return {};
}

// "+1.30" points, with its sign.
std::string signedPoints(double difference)
{
    std::string text = fixedText(100 * difference, 2);
    if (text == "-0.00") text = "0.00";
    return text.front() == '-' ? text : "+" + text;
}

// "Runs trained by build X (a-s1, a-s2); build Y (b-s1). " from each run's
// sessions (a run resumed by another build lists both).
std::string buildsOf(const std::vector<RunSummary> &runs)
{
    // build -> the runs it trained, in the order first seen
    std::vector<std::pair<std::string, std::vector<std::string>>> builds;
    for (const RunSummary &r : runs)
        for (const RunSession &s : r.sessions) {
            auto it = std::find_if(builds.begin(), builds.end(),
                                   [&](const auto &b) { return b.first == s.build; });
            if (it == builds.end()) it = builds.insert(builds.end(), {s.build, {}});
            if (it->second.empty() || it->second.back() != r.name) it->second.push_back(r.name);
        }
    if (builds.empty()) return "";
    std::string text = "Runs trained by ";
    for (std::size_t i = 0; i < builds.size(); ++i) {
        text += (i ? "; build " : "build ") + builds[i].first + " (";
        for (std::size_t k = 0; k < builds[i].second.size(); ++k)
            text += (k ? ", " : "") + builds[i].second[k];
        text += ")";
    }
    return text + ". ";
}

} // namespace

namespace {

const std::vector<std::string> kRows{"a", "b", "c", "d", "e", "f", "g", "r"};

} // namespace

bool planHasRow(const ExperimentOptions &o, const std::string &row)
{
    if (o.rows.empty()) return row != "r"; // re-noised views need a diffusion generator
    return std::find(o.rows.begin(), o.rows.end(), row) != o.rows.end();
}

bool planNeedsWalks(const ExperimentOptions &o)
{
    return planHasRow(o, "d") || planHasRow(o, "e");
}

bool planNeedsChosenSigma(const ExperimentOptions &o)
{
    return o.sigma <= 0 && (planHasRow(o, "e") || planHasRow(o, "f") || planHasRow(o, "g"));
}

std::vector<ExperimentRun> paperTablePlan(const ExperimentOptions &o, const ViewRecipe &base,
                                          const DirectionSet &walks, float chosenSigma)
{
    for (const std::string &row : o.rows)
        if (std::find(kRows.begin(), kRows.end(), row) == kRows.end())
            throw Error("experiment row \"" + row +
                        "\": no such row; expected a, b, c, d, e, f, g or r");
    if (o.anchorPool > 0 && o.anchorPoolRefresh > o.anchorPool)
        throw Error("experiment: --anchor-pool-refresh " + std::to_string(o.anchorPoolRefresh) +
                    " is above the pool's size " + std::to_string(o.anchorPool) +
                    "; expected at most as many new anchors per step as the pool holds");
    std::vector<ExperimentRun> plan;
    ViewRecipe pixelOnly = base;
    pixelOnly.views.gaussian = false;
    pixelOnly.views.steered.clear();
    pixelOnly.views.classPositives = false;
    pixelOnly.views.perAnchor = 2;
    pixelOnly.directionSets.clear();

    ViewRecipe steered = pixelOnly;
    steered.directionSets = {walks};
    for (int i = 0; i < walks.size(); ++i) {
        ViewRecipe::SteeredWalk w;
        w.set = walks.name;
        w.direction = walks.labels[i];
        const auto range = alphaRange(steerTransformFromString(walks.labels[i]));
        // Half the trained range: the far ends of a walk leave the data.
        w.alphaMin = range.first / 2;
        w.alphaMax = range.second / 2;
        steered.views.steered.push_back(w);
    }
    const auto gaussian = [](ViewRecipe r, float sigma) {
        r.views.gaussian = true;
        r.views.sigma = sigma;
        return r;
    };

    const auto add = [&](const std::string &row, const std::string &label, const ViewRecipe &r,
                         double sigma, bool real, const std::string &suffix = {}) {
        if (!planHasRow(o, row)) return;
        for (int seed = 1; seed <= o.seeds; ++seed) {
            ExperimentRun run;
            run.row = row;
            run.label = label;
            run.sigma = sigma;
            run.seed = seed;
            run.id = row + suffix + "-s" + std::to_string(seed);
            run.recipe = r;
            run.recipe.name = row + suffix;
            run.recipe.seed = static_cast<std::uint64_t>(seed);
            run.config = o.base;
            run.config.seed = static_cast<std::uint64_t>(seed);
            if (o.budgetSteps > 0)
                setBudget(run.config, o.budgetSteps, 0);
            else
                setBudget(run.config, 0, o.budgetMinutes);
            run.config.data = real ? "real" : "generator";
            if (!real) {
                run.recipe.anchors.poolSize = o.anchorPool;
                run.recipe.anchors.poolRefresh = o.anchorPool > 0 ? o.anchorPoolRefresh : 0;
            }
            plan.push_back(run);
        }
    };
    add("a", "real data (" + o.base.realData + ") + pixel augmentations (SimCLR)", pixelOnly, -1,
        true);
    add("b", "generated, pixel augmentations only", pixelOnly, -1, false);
    for (float s : o.sigmas)
        add("c", "Gaussian views sigma " + sigmaText(s) + " + pixel", gaussian(pixelOnly, s), s,
            false, "-sigma" + sigmaText(s));
    add("d", "steered walks (" + std::to_string(walks.size()) + ") + pixel", steered, -1, false);
    ViewRecipe renoised = pixelOnly;
    renoised.views.renoise = o.renoise;
    add("r", "re-noised views (strength " + sigmaText(o.renoise) + ") + pixel", renoised, -1,
        false);
    const float sigma = o.sigma > 0 ? o.sigma : chosenSigma;
    if (sigma <= 0) return plan; // rows e, f, g wait for row c's choice
    add("e", "Gaussian sigma " + sigmaText(sigma) + " + steered + pixel", gaussian(steered, sigma),
        sigma, false);
    ViewRecipe supcon = gaussian(pixelOnly, sigma);
    supcon.views.classPositives = true;
    add("f", "SupCon, the generator's classes as positives (sigma " + sigmaText(sigma) + ")",
        supcon, sigma, false);
    ViewRecipe pool = gaussian(pixelOnly, sigma);
    pool.views.perAnchor = o.poolSize;
    add("g", std::to_string(o.poolSize) + " neighbours per anchor (sigma " + sigmaText(sigma) + ")",
        pool, sigma, false);
    return plan;
}

namespace {

std::map<std::string, const RunSummary *> byName(const std::vector<RunSummary> &runs)
{
    std::map<std::string, const RunSummary *> m;
    for (const RunSummary &r : runs)
        m[r.name] = &r;
    return m;
}

} // namespace

double experimentEtaSeconds(double currentLeft, double currentTotal, double overhead,
                            const std::vector<std::string> &rowsToCome,
                            const std::map<std::string, double> &rowSeconds)
{
    double eta = std::max(0.0, currentLeft) + overhead;
    for (const std::string &row : rowsToCome) {
        const auto it = rowSeconds.find(row);
        eta += (it == rowSeconds.end() ? currentTotal : it->second) + overhead;
    }
    return eta;
}

std::map<std::string, double> rowTrainingSeconds(const std::vector<ExperimentRun> &plan,
                                                 const std::vector<RunSummary> &runs)
{
    const auto summaries = byName(runs);
    std::map<std::string, std::vector<double>> seconds;
    for (const ExperimentRun &r : plan) {
        const auto it = summaries.find(r.id);
        if (it == summaries.end() || it->second->status.state != RunState::Finished ||
            it->second->metrics.empty())
            continue;
        seconds[r.recipe.name].push_back(it->second->metrics.back().wallSeconds);
    }
    std::map<std::string, double> mean;
    for (const auto &[row, s] : seconds)
        mean[row] = meanSd(s).mean;
    return mean;
}

SigmaChoice chooseSigma(const std::vector<ExperimentRun> &plan, const std::vector<RunSummary> &runs)
{
    const auto summaries = byName(runs);
    std::map<float, std::vector<double>> bySigma; // sigma -> validation probes of its seeds
    std::vector<float> order;
    for (const ExperimentRun &r : plan) {
        if (r.row != "c") continue;
        if (!bySigma.count(float(r.sigma))) order.push_back(float(r.sigma));
        const auto it = summaries.find(r.id);
        bySigma[float(r.sigma)].push_back(it == summaries.end() ? NAN : it->second->finalValProbe);
    }
    SigmaChoice best;
    for (float s : order) {
        const MeanSd m = meanSd(bySigma[s]);
        if (m.n > 0 && (best.sigma <= 0 || m.mean > best.validationProbe)) best = {s, m.mean};
    }
    return best;
}

std::string experimentReport(const std::vector<ExperimentRun> &plan,
                             const std::vector<RunSummary> &runs,
                             const std::vector<SeedFloors> &floors, const ExperimentContext &c,
                             const std::vector<std::string> &figureFiles)
{
    const auto summaries = byName(runs);
    const auto finalOf = [&](const ExperimentRun &r) -> const RunSummary * {
        const auto it = summaries.find(r.id);
        return it == summaries.end() || std::isnan(it->second->finalProbe) ? nullptr : it->second;
    };
    // Row a's test probe per seed: the reference of the paired differences.
    std::map<int, double> realProbe;
    for (const ExperimentRun &r : plan)
        if (r.row == "a")
            if (const RunSummary *s = finalOf(r)) realProbe[r.seed] = s->finalProbe;
    // Rows in plan order, grouped by recipe name (row + suffix).
    std::vector<std::string> order;
    std::map<std::string, std::vector<const ExperimentRun *>> groups;
    for (const ExperimentRun &r : plan) {
        if (!groups.count(r.recipe.name)) order.push_back(r.recipe.name);
        groups[r.recipe.name].push_back(&r);
    }
    std::ostringstream out;
    if (!c.progress.empty()) out << c.progress << "\n\n";
    out << "| row | views | validation probe % | validation probe, global pool % | test probe % "
           "| test probe, global pool % | test kNN % | test probe − row a, paired | runs | "
           "steps (mean) | minutes (mean) |\n"
        << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    std::vector<double> rowVal, rowValGlobal; // the protocol check below: row means
    std::string perSeed;                      // "c: +0.61 (s1), +1.00 (s2); r: ..."
    for (const std::string &name : order) {
        std::vector<double> val, valGlobal, probe, global, knn, steps, minutes, paired;
        std::string seeds;
        for (const ExperimentRun *r : groups[name]) {
            const RunSummary *s = finalOf(*r);
            if (!s) continue;
            val.push_back(s->finalValProbe);
            valGlobal.push_back(s->finalValProbeGlobal);
            probe.push_back(s->finalProbe);
            global.push_back(s->finalProbeGlobal);
            knn.push_back(s->finalKnn);
            steps.push_back(s->status.step);
            // Training wall time, online evaluations and every session
            // included: what a row costs, generation above all.
            if (!s->metrics.empty()) minutes.push_back(s->metrics.back().wallSeconds / 60);
            if (r->row != "a" && realProbe.count(r->seed)) {
                paired.push_back(s->finalProbe - realProbe[r->seed]);
                seeds += (seeds.empty() ? "" : ", ") + signedPoints(paired.back()) + " (s" +
                         std::to_string(r->seed) + ")";
            }
        }
        if (!seeds.empty()) perSeed += (perSeed.empty() ? "" : "; ") + name + ": " + seeds;
        const MeanSd steps_ = meanSd(steps), val_ = meanSd(val), valGlobal_ = meanSd(valGlobal);
        if (val_.n && valGlobal_.n)
            rowVal.push_back(val_.mean), rowValGlobal.push_back(valGlobal_.mean);
        out << "| " << name << " | " << groups[name].front()->label << " | " << cell(val_) << " | "
            << cell(valGlobal_) << " | " << cell(meanSd(probe)) << " | " << cell(meanSd(global))
            << " | " << cell(meanSd(knn)) << " | " << pairedCell(paired) << " | " << probe.size()
            << "/" << groups[name].size() << " | "
            << (steps_.n ? std::to_string(std::lround(steps_.mean)) : "–") << " | "
            << minutesCell(meanSd(minutes)) << " |\n";
    }
    std::vector<double> rv, rvk, rp, rk, pv, pvk, pp, pk, rvg, rpg;
    for (const SeedFloors &f : floors) {
        rv.push_back(f.floors.randomValProbe), rvk.push_back(f.floors.randomValKnn);
        rvg.push_back(f.floors.randomValProbeGlobal), rpg.push_back(f.floors.randomProbeGlobal);
        rp.push_back(f.floors.randomProbe), rk.push_back(f.floors.randomKnn);
        pv.push_back(f.floors.pixelValProbe), pvk.push_back(f.floors.pixelValKnn);
        pp.push_back(f.floors.pixelProbe), pk.push_back(f.floors.pixelKnn);
    }
    const std::string seedsText = std::to_string(floors.size()) + " seed(s)";
    if (!floors.empty()) // measured once every run has finished
        out << "| floor | random-init encoder | " << cell(meanSd(rv)) << " | " << cell(meanSd(rvg))
            << " | " << cell(meanSd(rp)) << " | " << cell(meanSd(rpg)) << " | " << cell(meanSd(rk))
            << " | | " << seedsText << " | | |\n"
            << "| floor | raw pixels | " << cell(meanSd(pv)) << " | | " << cell(meanSd(pp))
            << " | | " << cell(meanSd(pk)) << " | | " << seedsText << " | | |\n";
    out << "\n";
    out << "Budget: ";
    if (c.budgetSteps > 0)
        out << c.budgetSteps << " steps";
    else
        out << c.budgetMinutes << " minutes";
    out << " of training per run";
    if (!plan.empty()) {
        const TrainConfig &t = plan.front().config;
        out << ", the " << t.encoder << " encoder, batch " << t.batch << ", " << t.optimizer
            << " lr " << t.lr << ", temperature " << t.temperature;
    }
    out << "; " << c.seeds
        << " seed(s) (mean ± standard deviation when more than one). Test is reported once: ";
    // Only what this table chose is said to be chosen.
    std::string sigmaRows;
    for (const std::string &name : order) {
        const ExperimentRun &first = *groups[name].front();
        if (first.row == "e" || first.row == "f" || first.row == "g")
            sigmaRows += (sigmaRows.empty() ? "" : ", ") + first.row;
    }
    const SigmaChoice choice = c.sigmaChosen ? chooseSigma(plan, runs) : SigmaChoice{};
    if (choice.sigma > 0 && !sigmaRows.empty())
        out << "the one choice made here is sigma for rows " << sigmaRows << ": "
            << sigmaText(choice.sigma) << ", row c's best mean validation probe ("
            << percentText(choice.validationProbe) << "%). ";
    else if (c.sigmaToChoose)
        out << "sigma for rows e, f and g is to be chosen on row c's validation probe once row c "
               "has finished. ";
    else
        out << "nothing is chosen in this table (every setting came from its command). ";
    if (!rowVal.empty()) {
        const MeanSd a = meanSd(rowVal), b = meanSd(rowValGlobal);
        out << "Both poolings are reported; on validation, mean over rows: 2x2 "
            << percentText(a.mean) << "%, global " << percentText(b.mean) << "%. ";
    }
    out << "The paired column is each seed's test probe minus row a's at the same seed, mean ± "
           "standard deviation over seeds";
    if (!perSeed.empty()) out << " (per seed, points: " << perSeed << ")";
    out << "; \"> 2 sd\" marks a mean difference larger than twice "
           "that standard deviation (with 3 seeds a screen, not a test at a stated level). Minutes "
           "are each run's training wall time on the machine below, online evaluations and every "
           "session included (with a slow generator, mostly sampling). The "
           "floors are measured at every seed (the random-init encoder is initialised with "
           "the seed; raw pixels involve no randomness). "
        << (plan.empty()
                ? std::string()
                : describeProtocol(
                      plan.front().config.evalData,
                      {plan.front().config.validation, plan.front().config.validationSeed},
                      plan.front().config.knnK, validationPartOf(runs), probeSettingsOfRuns(runs)))
        << (c.generation.empty() ? "" : " " + c.generation) << "\n\n"
        << "Machine: " << c.machine << ". " << differences(runs) << buildsOf(runs)
        << precisionsOf(runs) << "Report written by build " << c.commit << ".\n\n";
    for (const std::string &f : figureFiles)
        out << "![" << f << "](" << f << ")\n\n";
    if (!c.reportCard.empty()) out << "## The generator's report card\n\n" << c.reportCard << "\n";
    out << "Reproduce:\n\n```sh\n" << c.command << "\n```\n";
    return out.str();
}

namespace {

// About `count` round tick values (1, 2 or 5 times a power of ten) covering
// [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int count)
{
    const double raw = (hi - lo) / count, power = std::pow(10, std::floor(std::log10(raw)));
    double step = power;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw) {
            step = m * power;
            break;
        }
    std::vector<double> ticks;
    for (double t = std::floor(lo / step) * step; t < hi + step * 0.999; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
    return ticks;
}

std::string tickText(double v)
{
    std::ostringstream o;
    o.precision(4);
    o << v;
    return o.str();
}

} // namespace

void writeLineChart(const std::string &path, const std::string &title, const std::string &xLabel,
                    const std::string &yLabel, const std::vector<ChartSeries> &series, bool logX)
{
    const int w = 960, h = 540, left = 80, right = 290, top = 50, bottom = 60;
    cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    for (const auto &s : series) // a sigma of 0 has no place on a log axis
        for (double x : s.x)
            logX = logX && x > 0;
    const auto tx = [logX](double x) { return logX ? std::log(x) : x; };
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const auto &s : series)
        for (std::size_t i = 0; i < s.y.size(); ++i) {
            if (std::isnan(s.y[i])) continue;
            if (s.x.size() > i) x0 = std::min(x0, tx(s.x[i])), x1 = std::max(x1, tx(s.x[i]));
            y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
        }
    if (!std::isfinite(x0)) x0 = 0, x1 = 1;
    if (!std::isfinite(y0)) y0 = 0, y1 = 1;
    if (x1 - x0 < 1e-9) x0 -= 0.5, x1 += 0.5;
    if (y1 - y0 < 1e-9) y0 -= 0.5, y1 += 0.5;
    const std::vector<double> yTicks = niceTicks(y0, y1, 5);
    y0 = yTicks.front(), y1 = yTicks.back();
    std::vector<double> xTicks; // in data units
    if (logX) {
        for (const auto &s : series)
            if (!s.dashed) {
                xTicks = s.x;
                break;
            }
    } else {
        xTicks = niceTicks(x0, x1, 5);
        x0 = xTicks.front(), x1 = xTicks.back();
    }
    const auto px = [&](double x) { return left + (tx(x) - x0) / (x1 - x0) * (w - left - right); };
    const auto py = [&](double y) {
        return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);
    };
    const cv::Scalar black(0, 0, 0), grey(220, 220, 220);
    const auto text = [&](const std::string &t, cv::Point at, double scale = 0.45) {
        cv::putText(img, t, at, cv::FONT_HERSHEY_SIMPLEX, scale, black, 1, cv::LINE_AA);
    };
    for (double xv : xTicks) {
        cv::line(img, {int(px(xv)), top}, {int(px(xv)), h - bottom}, grey);
        text(tickText(xv), {int(px(xv)) - 12, h - bottom + 18});
    }
    for (double yv : yTicks) {
        cv::line(img, {left, int(py(yv))}, {w - right, int(py(yv))}, grey);
        text(tickText(yv), {8, int(py(yv)) + 4});
    }
    cv::rectangle(img, {left, top}, {w - right, h - bottom}, black);
    text(title, {left, 24}, 0.6);
    text(xLabel, {left + (w - left - right) / 2 - 40, h - 18}, 0.5);
    text(yLabel, {8, top - 8}, 0.5);
    static const cv::Scalar palette[] = {{180, 119, 31}, {14, 127, 255},  {44, 160, 44},
                                         {40, 39, 214},  {189, 103, 148}, {75, 86, 140}};
    for (std::size_t k = 0; k < series.size(); ++k) {
        const auto &s = series[k];
        const cv::Scalar color = palette[k % 6];
        std::vector<cv::Point> pts;
        for (std::size_t i = 0; i < s.y.size(); ++i)
            if (!std::isnan(s.y[i]))
                pts.emplace_back(s.x.size() > i ? int(px(s.x[i])) : left, int(py(s.y[i])));
        if (s.dashed && pts.size() == 1) { // a reference level across the chart
            for (int x = left; x < w - right; x += 12)
                cv::line(img, {x, pts[0].y}, {std::min(x + 6, w - right), pts[0].y}, color, 2);
        } else {
            cv::polylines(img, pts, false, color, 2, cv::LINE_AA);
            for (const auto &p : pts)
                cv::circle(img, p, 4, color, cv::FILLED, cv::LINE_AA);
        }
        const int ly = top + 20 + int(k) * 22;
        cv::line(img, {w - right + 15, ly - 4}, {w - right + 40, ly - 4}, color, 2);
        text(s.name, {w - right + 48, ly});
    }
    savePng(img, path); // BGR, as OpenCV encodes it
}

std::string machineDescription()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line, model = "unknown CPU";
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    // Whether the CPU has native bfloat16 decides what precision "auto" trains at.
    return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores, " +
           (cpuHasBf16() ? "native bfloat16" : "no native bfloat16");
}

} // namespace latent
