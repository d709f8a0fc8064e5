// SPDX-License-Identifier: MIT
#include "runfolder.h"

#include "atomicfile.h"
#include "error.h"
#include "jsonfields.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace latent {
namespace {

using json::Json;

std::string csvNumber(double v)
{
    if (std::isnan(v)) return "";
    std::ostringstream s;
    s.precision(9);
    s << v;
    return s.str();
}

Json jsonNumber(double v)
{
    return std::isnan(v) ? Json(nullptr) : Json(v);
}

const char *kCsvHeader = "kind,step,loss,lr,images_per_s,probe,knn,wall_s,probe_global,val_probe,"
                         "val_knn,val_probe_global\n";

std::string csvRow(const MetricRow &r)
{
    return r.kind + "," + std::to_string(r.step) + "," + csvNumber(r.loss) + "," + csvNumber(r.lr) +
           "," + csvNumber(r.imagesPerSecond) + "," + csvNumber(r.probe) + "," + csvNumber(r.knn) +
           "," + csvNumber(r.wallSeconds) + "," + csvNumber(r.probeGlobal) + "," +
           csvNumber(r.valProbe) + "," + csvNumber(r.valKnn) + "," + csvNumber(r.valProbeGlobal) +
           "\n";
}

std::string jsonRow(const MetricRow &r)
{
    const Json j = {{"kind", r.kind},
                    {"step", r.step},
                    {"loss", jsonNumber(r.loss)},
                    {"lr", jsonNumber(r.lr)},
                    {"images_per_s", jsonNumber(r.imagesPerSecond)},
                    {"probe", jsonNumber(r.probe)},
                    {"knn", jsonNumber(r.knn)},
                    {"probe_global", jsonNumber(r.probeGlobal)},
                    {"val_probe", jsonNumber(r.valProbe)},
                    {"val_knn", jsonNumber(r.valKnn)},
                    {"val_probe_global", jsonNumber(r.valProbeGlobal)},
                    {"wall_s", r.wallSeconds}};
    return j.dump() + "\n";
}

double number(const Json &j, const char *key)
{
    const auto it = j.find(key);
    return it == j.end() || !it->is_number() ? MetricRow::kNone : it->get<double>();
}

RunState stateFromString(const std::string &s, const std::string &path)
{
    for (RunState st : {RunState::Created, RunState::Running, RunState::Paused, RunState::Stopped,
                        RunState::Finished, RunState::Failed})
        if (s == toString(st)) return st;
    throw Error("run status " + path + ": state \"" + s + "\" is unknown");
}

} // namespace

const char *toString(RunState state)
{
    switch (state) {
    case RunState::Created:
        return "created";
    case RunState::Running:
        return "running";
    case RunState::Paused:
        return "paused";
    case RunState::Stopped:
        return "stopped";
    case RunState::Finished:
        return "finished";
    case RunState::Failed:
        return "failed";
    }
    return "";
}

RunStatus readRunStatus(const std::string &runDir)
{
    const RunFiles files{runDir};
    const std::string what = "run status " + files.status();
    const Json doc = json::parse(readFileCapped(files.status(), what, 1 << 16), what, 1 << 16);
    const json::Object o(doc, what, "");
    o.allowOnly({"schema_version", "state", "step", "total_steps", "message"});
    RunStatus s;
    s.state = stateFromString(o.string("state"), files.status());
    s.step = static_cast<int>(o.integer("step", 0, 1LL << 31));
    s.totalSteps = static_cast<int>(o.integer("total_steps", 0, 1LL << 31));
    s.message = o.string("message");
    return s;
}

std::vector<MetricRow> readMetrics(const std::string &runDir)
{
    const RunFiles files{runDir};
    std::ifstream in(files.metricsJsonl());
    if (!in) throw Error("cannot read " + files.metricsJsonl() + ": " + std::strerror(errno));
    std::vector<MetricRow> rows;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty()) continue;
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("kind") || !j.contains("step")) {
            if (in.peek() == EOF) break; // a torn last line: the run was killed mid-write
            throw Error("metrics " + files.metricsJsonl() + " line " + std::to_string(lineNo) +
                        " is not a metrics row");
        }
        MetricRow r;
        r.kind = j.value("kind", "train");
        r.step = j.value("step", 0);
        r.loss = number(j, "loss");
        r.lr = number(j, "lr");
        r.imagesPerSecond = number(j, "images_per_s");
        r.probe = number(j, "probe");
        r.knn = number(j, "knn");
        r.probeGlobal = number(j, "probe_global");
        r.valProbe = number(j, "val_probe");
        r.valKnn = number(j, "val_knn");
        r.valProbeGlobal = number(j, "val_probe_global");
        r.wallSeconds = number(j, "wall_s");
        rows.push_back(r);
    }
    return rows;
}

void writeRunStatus(const RunFiles &files, const RunStatus &status)
{
    const Json j = {{"schema_version", 1},
                    {"state", toString(status.state)},
                    {"step", status.step},
                    {"total_steps", status.totalSteps},
                    {"message", status.message}};
    writeFileAtomically(files.status(), j.dump(2) + "\n");
}

void rewriteMetrics(const RunFiles &files, const std::vector<MetricRow> &rows)
{
    std::string csv = kCsvHeader, jsonl;
    for (const MetricRow &r : rows) {
        csv += csvRow(r);
        jsonl += jsonRow(r);
    }
    writeFileAtomically(files.metricsCsv(), csv);
    writeFileAtomically(files.metricsJsonl(), jsonl);
}

void appendMetric(const RunFiles &files, const MetricRow &row)
{
    appendToExistingFile(files.metricsCsv(), csvRow(row));
    appendToExistingFile(files.metricsJsonl(), jsonRow(row));
}

bool runFolderGone(const RunFiles &files)
{
    // `rm -rf` removes the files before the folder, so a write may fail on a
    // missing file while the folder still exists for a moment.
    std::error_code ec;
    return !std::filesystem::is_directory(files.dir, ec) ||
           !std::filesystem::exists(files.config(), ec) ||
           !std::filesystem::exists(files.metricsCsv(), ec) ||
           !std::filesystem::exists(files.metricsJsonl(), ec);
}

} // namespace latent
