// SPDX-License-Identifier: MIT
#include "provenance.h"

#include "error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
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
    const nlohmann::json j = {
        {"build", s.build}, {"command", s.command}, {"ranks", s.ranks}, {"from_step", s.fromStep}};
    std::ofstream out(sessionsFile(runDir), std::ios::app);
    out << j.dump() << "\n";
    if (!out.flush())
        throw Error("cannot write " + sessionsFile(runDir) + ": " + std::strerror(errno));
}

std::vector<RunSession> readRunSessions(const std::string &runDir)
{
    std::vector<RunSession> sessions;
    std::ifstream in(sessionsFile(runDir));
    std::string line;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) continue; // a torn last line
        try {
            RunSession s;
            s.build = j.value("build", std::string("unknown"));
            s.command = j.value("command", std::string());
            s.ranks = j.value("ranks", 1);
            s.fromStep = j.value("from_step", 0);
            sessions.push_back(s);
        } catch (const nlohmann::json::exception &) {
            // A line of the wrong shape tells nothing reliable: left out.
        }
    }
    return sessions;
}

} // namespace latent
