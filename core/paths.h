// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace latent {

// The generator that ships with the studio. Looked up, in order: the folder
// in $LATENT_STUDIO_GENERATORS, <exeDir>/../share/latent-studio/generators
// (installed), then the source tree's resources/generators (a build tree).
// Returns the first existing file, or the installed path when none exists.
std::string defaultGeneratorPath(const std::string &exeDir);

// The generators that ship with the studio (the default GAN and the diffusion
// model), as paths of their .pt files in the first of the folders above
// that holds the default; sorted by name.
std::vector<std::string> shippedGeneratorPaths(const std::string &exeDir);

// Resolves "default" to defaultGeneratorPath(exeDir) and the name of a
// shipped generator ("fashion-ddpm") to its file; other values unchanged.
std::string resolveGeneratorArgument(const std::string &arg, const std::string &exeDir);

struct ViewRecipe;

// The generator of a recipe: `given` (resolved as above) when not empty, else
// the recipe's file name beside the recipe, else among the shipped
// generators. When its SHA-256 differs from the recipe's, `warn` receives the
// difference when `acceptMismatch`; otherwise the call throws Error.
std::string recipeGeneratorPath(const ViewRecipe &recipe, const std::string &recipePath,
                                const std::string &given, const std::string &exeDir,
                                bool acceptMismatch, std::string *warning);

} // namespace latent
