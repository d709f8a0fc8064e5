// SPDX-License-Identifier: MIT
#include "paths.h"

#include "error.h"
#include "viewrecipe.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace latent {
namespace fs = std::filesystem;

std::string defaultGeneratorPath(const std::string &exeDir)
{
    const std::string file = LATENT_DEFAULT_GENERATOR_NAME ".pt";
    std::vector<fs::path> dirs;
    if (const char *env = std::getenv("LATENT_STUDIO_GENERATORS")) dirs.emplace_back(env);
    dirs.push_back(fs::path(exeDir) / ".." / LATENT_INSTALL_GENERATORS_DIR);
    dirs.emplace_back(LATENT_SOURCE_GENERATORS_DIR);
    std::error_code ec;
    for (const auto &dir : dirs)
        if (fs::is_regular_file(dir / file, ec))
            return fs::weakly_canonical(dir / file, ec).string();
    return (dirs[dirs.size() - 2] / file).lexically_normal().string();
}

std::string resolveGeneratorArgument(const std::string &arg, const std::string &exeDir)
{
    return arg == "default" ? defaultGeneratorPath(exeDir) : arg;
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
