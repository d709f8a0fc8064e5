// SPDX-License-Identifier: MIT
#include "paths.h"

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

} // namespace latent
