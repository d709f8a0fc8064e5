// SPDX-License-Identifier: MIT
#include "train/runsummary.h"

#include "atomicfile.h"
#include "error.h"
#include "eval/evaluation.h"
#include "train/runlock.h"
#include "views/viewrecipe.h"

#include <cmath>
#include <filesystem>
#include <sstream>

namespace latent {
namespace {

std::string fixed(double v, int digits)
{
    if (std::isnan(v)) return "";
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

std::string percent(double v)
{
    return std::isnan(v) ? "" : fixed(100 * v, 2) + "%";
}

std::string escapeHtml(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string accuracies(double probe, double global, double knn)
{
    std::string text = "linear probe " + percent(probe);
    if (!std::isnan(global)) text += " (global pool " + percent(global) + ")";
    return text + ", kNN " + percent(knn);
}

// " Trained by build X (1 rank, from step 0: `command`); ..." or nothing.
std::string trainedBy(const std::vector<RunSession> &sessions)
{
    std::string text, splits;
    for (const RunSession &s : sessions) {
        text += (text.empty() ? " Trained by build " : "; build ") + s.build + " (" +
                std::to_string(s.ranks) + (s.ranks == 1 ? " rank" : " ranks") +
                (s.precision.empty() ? "" : ", " + s.precision) + ", from step " +
                std::to_string(s.fromStep) + (s.command.empty() ? "" : ": `" + s.command + "`");
        // The data as read, where it first shows and wherever a dataset
        // folder changed between sessions.
        if (!s.dataSplits.empty() && s.dataSplits != splits)
            text +=
                std::string(splits.empty() ? "; data " : "; the data CHANGED to ") + s.dataSplits;
        if (!s.dataSplits.empty()) splits = s.dataSplits;
        text += ")";
    }
    return text.empty() ? text : text + ".";
}

// " Recipe changes: v2 from step 301 (studio): tight; ..." or nothing.
std::string recipeChanges(const std::vector<RecipeVersion> &recipes)
{
    if (recipes.size() < 2) return "";
    std::string out = " Recipe changes: ";
    for (std::size_t i = 1; i < recipes.size(); ++i)
        out += (i > 1 ? "; " : "") + describeRecipeVersion(recipes[i]);
    return out + ".";
}

} // namespace

std::string describeEvaluation(const MetricRow &r)
{
    const bool validation = !std::isnan(r.valProbe), test = !std::isnan(r.probe);
    std::string text;
    if (validation)
        text = std::string(r.kind == "online" ? "validation subset: " : "validation: ") +
               accuracies(r.valProbe, r.valProbeGlobal, r.valKnn);
    if (validation && test) text += " | ";
    if (test) text += (validation ? "test: " : "") + accuracies(r.probe, r.probeGlobal, r.knn);
    return text;
}

bool isRunFolder(const std::string &dir)
{
    const RunFiles files{dir};
    std::error_code ec;
    return std::filesystem::exists(files.config(), ec) ||
           std::filesystem::exists(files.status(), ec);
}

RunSummary readRunSummary(const std::string &runDir)
{
    const RunFiles files{runDir};
    if (!std::filesystem::is_directory(runDir))
        throw Error("run folder " + runDir + " does not exist or is not a folder");
    RunSummary s;
    s.dir = runDir;
    s.name = std::filesystem::path(runDir).filename().string();
    for (const std::string &f :
         {files.status(), files.config(), files.recipe(), files.metricsJsonl()})
        if (!std::filesystem::exists(f)) {
            if (RunLock::isHeld(runDir))
                throw Error("run folder " + runDir + " is being created by another process (" +
                            std::filesystem::path(f).filename().string() + " is not written yet)");
            throw Error("run folder " + runDir + " is incomplete: " +
                        std::filesystem::path(f).filename().string() + " is missing" +
                        (f == files.status() ? std::string(" (a run interrupted while it was "
                                                           "created: create it again there)")
                                             : std::string()));
        }
    s.config = readTrainConfig(files.config());
    s.recipes = readRecipeVersions(runDir);
    s.recipeName = s.recipes.front().recipe.name;
    s.status = readRunStatus(runDir);
    // Created counts too: a creation stopped (or killed) before its first step.
    s.interrupted = (s.status.state == RunState::Running || s.status.state == RunState::Paused ||
                     s.status.state == RunState::Created) &&
                    !RunLock::isHeld(runDir);
    s.metrics = readMetrics(runDir);
    s.sessions = readRunSessions(runDir);
    for (const MetricRow &r : s.metrics) {
        if (r.kind == "final")
            s.finalProbe = r.probe, s.finalKnn = r.knn, s.finalProbeGlobal = r.probeGlobal,
            s.finalValProbe = r.valProbe, s.finalValKnn = r.valKnn,
            s.finalValProbeGlobal = r.valProbeGlobal;
        if (r.kind == "online") s.onlineProbe = r.onlineProbe(), s.onlineKnn = r.onlineKnn();
    }
    return s;
}

std::string runReport(const RunSummary &run,
                      const std::vector<std::pair<std::string, std::string>> &figures,
                      ReportFormat format)
{
    const bool html = format == ReportFormat::Html;
    const RunFiles files{run.dir};
    const std::string config = toJson(run.config);
    std::string recipe;
    try {
        recipe = readFileCapped(files.recipe(), "recipe " + files.recipe(), kMaxRecipeBytes);
    } catch (const Error &e) {
        recipe = e.what();
    }
    std::vector<std::vector<std::string>> rows;
    for (const MetricRow &r : run.metrics)
        if (r.kind != "train" || r.step % 10 == 0 || r.step == 1)
            rows.push_back({r.kind, std::to_string(r.step), fixed(r.loss, 4), fixed(r.lr, 5),
                            fixed(r.imagesPerSecond, 0), percent(r.valProbe), percent(r.valKnn),
                            percent(r.probe), percent(r.probeGlobal), percent(r.knn),
                            fixed(r.wallSeconds, 1)});
    const std::vector<std::string> header{"kind",     "step",       "loss",
                                          "lr",       "images/s",   "val probe",
                                          "val kNN",  "test probe", "test probe (global pool)",
                                          "test kNN", "wall s"};
    const MetricRow *finalRow = nullptr;
    for (const MetricRow &r : run.metrics)
        if (r.kind == "final") finalRow = &r;
    const std::string title = "Run " + run.name;
    const std::string summary =
        "State: " + std::string(toString(run.status.state)) + " at step " +
        std::to_string(run.status.step) + " of " + std::to_string(run.status.totalSteps) +
        ". Data: " + run.config.data +
        (run.config.data == "real" ? " (" + run.config.realData + ")" : "") + ", recipe \"" +
        run.recipeName + "\", encoder " + run.config.encoder + ", batch " +
        std::to_string(run.config.batch) + ", " + run.config.optimizer + " lr " +
        fixed(run.config.lr, 5) + ". " +
        describeProtocol(
            run.config.evalData, {run.config.validation, run.config.validationSeed},
            run.config.knnK, run.sessions.empty() ? "" : run.sessions.back().validationPart,
            probeSettingsOf(run.sessions.empty() ? "" : run.sessions.back().protocol)) +
        " Final evaluation: " +
        (finalRow ? describeEvaluation(*finalRow) : std::string("not measured")) + "." +
        recipeChanges(run.recipes) + trainedBy(run.sessions);
    // Each later version's recipe after recipe.json's.
    for (std::size_t i = 1; i < run.recipes.size(); ++i)
        recipe += "\n" + std::string(html ? "" : "```\n\n### ") + "Recipe " +
                  describeRecipeVersion(run.recipes[i]) + (html ? "\n" : "\n\n```json\n") +
                  toJson(run.recipes[i].recipe);
    std::ostringstream out;
    if (html) {
        out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" << escapeHtml(title)
            << "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
               "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
               "text-align:right}pre{background:#f4f4f4;padding:6px;overflow:auto}</style>"
               "</head><body>\n<h1>"
            << escapeHtml(title) << "</h1>\n<p>" << escapeHtml(summary) << "</p>\n";
        for (const auto &[caption, file] : figures)
            out << "<figure><img src=\"" << escapeHtml(file) << "\" alt=\"" << escapeHtml(caption)
                << "\" style=\"max-width:100%\"><figcaption>" << escapeHtml(caption)
                << "</figcaption></figure>\n";
        out << "<h2>Metrics</h2>\n<table><tr>";
        for (const auto &h : header)
            out << "<th>" << h << "</th>";
        out << "</tr>\n";
        for (const auto &r : rows) {
            out << "<tr>";
            for (const auto &c : r)
                out << "<td>" << escapeHtml(c) << "</td>";
            out << "</tr>\n";
        }
        out << "</table>\n<h2>Config</h2>\n<pre>" << escapeHtml(config)
            << "</pre>\n<h2>Recipe</h2>\n<pre>" << escapeHtml(recipe) << "</pre>\n</body></html>\n";
    } else {
        out << "# " << title << "\n\n" << summary << "\n\n";
        for (const auto &[caption, file] : figures)
            out << "![" << caption << "](" << file << ")\n\n";
        out << "## Metrics\n\n|";
        for (const auto &h : header)
            out << " " << h << " |";
        out << "\n|";
        for (std::size_t i = 0; i < header.size(); ++i)
            out << "---|";
        out << "\n";
        for (const auto &r : rows) {
            out << "|";
            for (const auto &c : r)
                out << " " << c << " |";
            out << "\n";
        }
        out << "\n## Config\n\n```json\n" << config << "```\n\n## Recipe\n\n```json\n" << recipe;
        if (!recipe.empty() && recipe.back() != '\n') out << "\n";
        out << "```\n";
    }
    return out.str();
}

} // namespace latent
