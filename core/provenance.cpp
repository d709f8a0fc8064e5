// SPDX-License-Identifier: MIT
#include "provenance.h"

#include "atomicfile.h"
#include "error.h"
#include "jsonfields.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace latent {

std::string buildDescription()
{
    return std::string(buildCommit()) + (buildTreeDirty() ? " (uncommitted changes)" : "");
}

namespace {

std::string &storedCommandLine()
{
    static std::string line;
    return line;
}

std::string quoted(const std::string &arg)
{
    if (!arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos) return arg;
    std::string out = "'";
    for (char c : arg)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string sessionsFile(const std::string &runDir)
{
    return runDir + "/provenance.jsonl";
}

} // namespace

void setCommandLine(int argc, char **argv)
{
    std::string line;
    for (int i = 0; i < argc; ++i)
        line += (i ? " " : "") + quoted(argv[i]);
    storedCommandLine() = line;
}

const std::string &commandLine()
{
    return storedCommandLine();
}

void appendRunSession(const std::string &runDir, const RunSession &s)
{
    nlohmann::json j = {{"build", s.build},
                        {"command", s.command},
                        {"ranks", s.ranks},
                        {"from_step", s.fromStep},
                        {"device", s.device},
                        {"precision", s.precision},
                        {"batch_threads", s.batchThreads},
                        {"generator_sha256", s.generatorSha256},
                        {"recipe_sha256", s.recipeSha256},
                        {"data_splits", s.dataSplits},
                        {"validation_part", s.validationPart},
                        {"train_images", s.trainImages}};
    if (!s.protocol.empty()) j["protocol"] = nlohmann::json::parse(s.protocol);
    const std::string path = sessionsFile(runDir);
    std::string text;
    if (std::filesystem::exists(path)) text = readFileCapped(path, "provenance " + path, 1 << 24);
    // A line torn by a kill is dropped, so that it never ends up inside the file.
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    writeFileAtomically(path, text + j.dump() + "\n");
}

std::vector<RunSession> readRunSessions(const std::string &runDir)
{
    std::vector<RunSession> sessions;
    const std::string path = sessionsFile(runDir);
    std::ifstream in(path);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty()) continue;
        const std::string what = "provenance " + path + " line " + std::to_string(lineNo);
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            if (in.peek() == EOF) break; // a torn last line: killed mid-write
            throw Error(what + " is not a JSON session record");
        }
        const json::Object o(j, what, "");
        RunSession s;
        s.build = o.has("build") ? o.string("build") : "unknown";
        s.command = o.has("command") ? o.string("command") : "";
        s.ranks = o.has("ranks") ? static_cast<int>(o.integer("ranks", 1, 1 << 20)) : 1;
        s.fromStep = o.has("from_step") ? static_cast<int>(o.integer("from_step", 0, INT_MAX)) : 0;
        s.device = o.has("device") ? o.string("device") : "";
        s.precision = o.has("precision") ? o.string("precision") : "";
        s.batchThreads =
            o.has("batch_threads") ? static_cast<int>(o.integer("batch_threads", 0, 1 << 20)) : 0;
        s.generatorSha256 = o.has("generator_sha256") ? o.string("generator_sha256") : "";
        s.recipeSha256 = o.has("recipe_sha256") ? o.string("recipe_sha256") : "";
        s.dataSplits = o.has("data_splits") ? o.string("data_splits") : "";
        s.validationPart = o.has("validation_part") ? o.string("validation_part") : "";
        s.trainImages =
            o.has("train_images") ? static_cast<int>(o.integer("train_images", 0, INT_MAX)) : 0;
        if (j.contains("protocol") && j["protocol"].is_object()) s.protocol = j["protocol"].dump();
        sessions.push_back(s);
    }
    return sessions;
}

} // namespace latent
