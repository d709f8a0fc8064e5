// SPDX-License-Identifier: MIT
#include "views/recipeversions.h"

#include "atomicfile.h"
#include "error.h"
#include "jsonfields.h"
#include "provenance.h"

#include <climits>
#include <filesystem>
#include <fstream>

namespace latent {
namespace {

using json::Json;

constexpr std::size_t kMaxVersionsBytes = 4 * kMaxRecipeBytes; // a few versions, sets included

Json versionJson(const RecipeVersion &v)
{
    return {{"version", v.version},
            {"from_step", v.fromStep},
            {"sha256", v.sha256},
            {"source", v.source},
            {"recipe", Json::parse(toJson(v.recipe))}};
}

RecipeVersion versionFrom(const Json &j, const std::string &what)
{
    const json::Object o(j, what, "");
    o.allowOnly({"version", "from_step", "sha256", "source", "recipe"});
    RecipeVersion v;
    v.version = static_cast<int>(o.integer("version", 2, 1 << 20));
    v.fromStep = static_cast<int>(o.integer("from_step", 1, INT_MAX));
    v.sha256 = o.string("sha256");
    v.source = o.string("source", {"studio", "resume"});
    if (!o.has("recipe") || !o.raw("recipe").is_object())
        o.fail("recipe", "is missing or not an object, expected a view recipe");
    v.recipe = recipeFromJson(o.raw("recipe").dump(), what + ": recipe");
    return v;
}

std::vector<RecipeVersion> laterVersions(const std::string &runDir)
{
    std::vector<RecipeVersion> out;
    const std::string path = recipeVersionsFile(runDir);
    if (!std::filesystem::exists(path)) return out;
    const std::string text = readFileCapped(path, "recipe versions " + path, kMaxVersionsBytes);
    std::size_t start = 0;
    for (int lineNo = 1; start < text.size(); ++lineNo) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string::npos) break; // a torn last line: killed mid-write
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;
        const std::string what = "recipe versions " + path + " line " + std::to_string(lineNo);
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded()) throw Error(what + " is not a JSON recipe version");
        RecipeVersion v = versionFrom(j, what);
        // (The first may start at step 1: applied before the run's first step.)
        if (!out.empty() && v.fromStep <= out.back().fromStep)
            throw Error(what + ": from_step " + std::to_string(v.fromStep) +
                        " does not come after the previous version's " +
                        std::to_string(out.back().fromStep));
        out.push_back(std::move(v));
    }
    return out;
}

} // namespace

std::string recipeVersionsFile(const std::string &runDir)
{
    return runDir + "/recipes.jsonl";
}

std::vector<RecipeVersion> readRecipeVersions(const std::string &runDir)
{
    RecipeVersion first;
    first.recipe = readRecipe(runDir + "/recipe.json");
    const std::vector<RunSession> sessions = readRunSessions(runDir);
    first.sha256 = !sessions.empty() && !sessions.front().recipeSha256.empty()
                       ? sessions.front().recipeSha256
                       : sha256OfBytes(toJson(first.recipe));
    std::vector<RecipeVersion> versions{first};
    for (RecipeVersion &v : laterVersions(runDir))
        versions.push_back(std::move(v));
    return versions;
}

RecipeVersion recordRecipeVersion(const std::string &runDir, const ViewRecipe &recipe, int fromStep,
                                  const std::string &source)
{
    std::vector<RecipeVersion> kept;
    for (RecipeVersion &v : laterVersions(runDir))
        if (v.fromStep < fromStep) kept.push_back(std::move(v));
    RecipeVersion added;
    added.version = kept.empty() ? 2 : kept.back().version + 1;
    added.fromStep = fromStep;
    added.sha256 = sha256OfBytes(toJson(recipe));
    added.source = source;
    added.recipe = recipe;
    kept.push_back(added);
    std::string text;
    for (const RecipeVersion &v : kept)
        text += versionJson(v).dump() + "\n";
    writeFileAtomically(recipeVersionsFile(runDir), text);
    return added;
}

const RecipeVersion &recipeAt(const std::vector<RecipeVersion> &versions, int step)
{
    const RecipeVersion *found = &versions.front();
    for (const RecipeVersion &v : versions)
        if (v.fromStep <= step) found = &v;
    return *found;
}

std::string describeRecipeVersion(const RecipeVersion &v)
{
    return "v" + std::to_string(v.version) + " from step " + std::to_string(v.fromStep) + " (" +
           v.source + "): " + v.recipe.name;
}

} // namespace latent
