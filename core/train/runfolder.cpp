// SPDX-License-Identifier: MIT
#include "train/runfolder.h"

#include "atomicfile.h"
#include "error.h"
#include "jsonfields.h"

#include <cerrno>
#include <climits>
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
                         "val_knn,val_probe_global,batch_sha256\n";

std::string csvRow(const MetricRow &r)
{
    return r.kind + "," + std::to_string(r.step) + "," + csvNumber(r.loss) + "," + csvNumber(r.lr) +
           "," + csvNumber(r.imagesPerSecond) + "," + csvNumber(r.probe) + "," + csvNumber(r.knn) +
           "," + csvNumber(r.wallSeconds) + "," + csvNumber(r.probeGlobal) + "," +
           csvNumber(r.valProbe) + "," + csvNumber(r.valKnn) + "," + csvNumber(r.valProbeGlobal) +
           "," + r.batchSha256 + "\n";
}

std::string jsonRow(const MetricRow &r)
{
    Json j = {{"kind", r.kind},
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
    if (!r.batchSha256.empty()) j["batch_sha256"] = r.batchSha256;
    return j.dump() + "\n";
}

// An optional metric: absent or null (jsonNumber's NaN) is kNone.
double number(const json::Object &o, const char *key)
{
    if (!o.has(key) || o.raw(key).is_null()) return MetricRow::kNone;
    if (!o.raw(key).is_number())
        o.fail(key, "is " + json::describe(o.raw(key)) + ", expected a number or null");
    return o.raw(key).get<double>();
}

// One line of metrics.jsonl; throws Error naming the line and the field.
MetricRow metricRow(const Json &j, const std::string &what)
{
    const json::Object o(j, what, "");
    MetricRow r;
    r.kind = o.string("kind", {"train", "online", "final"});
    r.step = static_cast<int>(o.integer("step", 0, INT_MAX));
    r.loss = number(o, "loss");
    r.lr = number(o, "lr");
    r.imagesPerSecond = number(o, "images_per_s");
    r.probe = number(o, "probe");
    r.knn = number(o, "knn");
    r.probeGlobal = number(o, "probe_global");
    r.valProbe = number(o, "val_probe");
    r.valKnn = number(o, "val_knn");
    r.valProbeGlobal = number(o, "val_probe_global");
    r.wallSeconds = number(o, "wall_s");
    if (o.has("batch_sha256")) {
        r.batchSha256 = o.string("batch_sha256");
        if (r.batchSha256.size() != 64 ||
            r.batchSha256.find_first_not_of("0123456789abcdef") != std::string::npos)
            o.fail("batch_sha256",
                   "is \"" + r.batchSha256.substr(0, 80) + "\", expected 64 lower-case hex digits");
    }
    return r;
}

RunState stateFromString(const std::string &s, const std::string &path)
{
    for (RunState st : {RunState::Created, RunState::Running, RunState::Paused, RunState::Stopped,
                        RunState::Finished, RunState::Failed})
        if (s == toString(st)) return st;
    throw Error("run status " + path + ": state \"" + s +
                "\" is unknown, expected created, running, paused, stopped, finished or failed");
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

bool holdsRun(const std::string &runDir)
{
    return std::filesystem::exists(RunFiles{runDir}.status());
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
    s.step = static_cast<int>(o.integer("step", 0, INT_MAX));
    s.totalSteps = static_cast<int>(o.integer("total_steps", 0, INT_MAX));
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
        const std::string what =
            "metrics " + files.metricsJsonl() + " line " + std::to_string(lineNo);
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            if (in.peek() == EOF) break; // a torn last line: the run was killed mid-write
            throw Error(what + " is not a JSON metrics row");
        }
        const MetricRow r = metricRow(j, what);
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
