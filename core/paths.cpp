// SPDX-License-Identifier: MIT
#include "paths.h"

#include "error.h"
#include "views/viewrecipe.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace latent {
namespace fs = std::filesystem;

namespace {

// The shipped file `file` in the first folder that holds it, or its
// installed path when none does.
fs::path shippedFile(const std::string &file, const std::string &exeDir)
{
    std::vector<fs::path> dirs;
    if (const char *env = std::getenv("LATENT_STUDIO_GENERATORS")) dirs.emplace_back(env);
    dirs.push_back(fs::path(exeDir) / ".." / LATENT_INSTALL_GENERATORS_DIR);
    dirs.emplace_back(LATENT_SOURCE_GENERATORS_DIR);
    std::error_code ec;
    for (const auto &dir : dirs)
        if (fs::is_regular_file(dir / file, ec)) return fs::weakly_canonical(dir / file, ec);
    return (dirs[dirs.size() - 2] / file).lexically_normal();
}

} // namespace

std::string defaultGeneratorPath(const std::string &exeDir)
{
    return shippedFile(LATENT_DEFAULT_GENERATOR_NAME ".pt", exeDir).string();
}

std::vector<std::string> shippedGeneratorPaths(const std::string &exeDir)
{
    std::vector<std::string> out;
    std::error_code ec;
    const fs::path dir = fs::path(defaultGeneratorPath(exeDir)).parent_path();
    for (const auto &entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".pt" && entry.is_regular_file(ec))
            out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string resolveGeneratorArgument(const std::string &arg, const std::string &exeDir)
{
    if (arg == "default") return defaultGeneratorPath(exeDir);
    std::error_code ec;
    if (arg.find('/') != std::string::npos || fs::exists(arg, ec)) return arg;
    const fs::path shipped = shippedFile(arg + ".pt", exeDir);
    return fs::is_regular_file(shipped, ec) ? shipped.string() : arg;
}

std::string recipeGeneratorPath(const ViewRecipe &recipe, const std::string &recipePath,
                                const std::string &given, const std::string &exeDir,
                                bool acceptMismatch, std::string *warning)
{
    namespace fs = std::filesystem;
    std::string path;
    const fs::path beside = fs::path(recipePath).parent_path() / recipe.generator.file;
    const fs::path shipped =
        fs::path(defaultGeneratorPath(exeDir)).parent_path() / recipe.generator.file;
    if (!given.empty())
        path = resolveGeneratorArgument(given, exeDir);
    else if (fs::exists(beside))
        path = beside.string();
    else if (fs::exists(shipped))
        path = shipped.string();
    else
        throw Error("recipe " + recipePath + ": generator file '" + recipe.generator.file +
                    "' is neither beside the recipe nor shipped; pass --generator");
    const std::string sha = sha256OfFile(path);
    if (sha != recipe.generator.sha256) {
        const std::string difference = "generator " + path + " has SHA-256 " + sha +
                                       " but recipe " + recipePath + " was made with " +
                                       recipe.generator.sha256;
        if (!acceptMismatch)
            throw Error(difference + "; pass --accept-generator-mismatch to use it anyway");
        if (warning) *warning = difference;
    }
    return path;
}

} // namespace latent
