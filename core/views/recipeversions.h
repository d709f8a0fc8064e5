// SPDX-License-Identifier: MIT
#pragma once
// A run's recipe can change while it trains (the studio's "Apply to the
// running training", `latent-cli train --resume RUN --recipe NEW.json`):
// each version holds from the step it started at to the step before the
// next one. Version 1 is recipe.json, from step 1; later versions are the
// lines of recipes.jsonl in the run folder.

#include "views/viewrecipe.h"

#include <string>
#include <vector>

namespace latent {

struct RecipeVersion
{
    int version = 1;
    int fromStep = 1;
    // SHA-256 of the recipe's canonical JSON (toJson) when it was applied:
    // a later edit of the stored recipe shows as a difference on replay.
    std::string sha256;
    std::string source = "created"; // created, studio (applied live) or resume (--recipe)
    ViewRecipe recipe;
};

std::string recipeVersionsFile(const std::string &runDir); // recipes.jsonl

// Version 1 from recipe.json (its SHA-256 from the run's first session in
// provenance.jsonl when recorded), then recipes.jsonl in order. Throws
// Error naming the file and line of a damaged entry; a torn last line (a
// kill mid-write) is ignored.
std::vector<RecipeVersion> readRecipeVersions(const std::string &runDir);

// Records `recipe` as the version from `fromStep` on (atomic rewrite of
// recipes.jsonl). Versions that started at or after `fromStep` are dropped
// first: a run resumed from an earlier checkpoint decides them again.
// Returns the new version.
RecipeVersion recordRecipeVersion(const std::string &runDir, const ViewRecipe &recipe, int fromStep,
                                  const std::string &source);

// The version in force at `step` (versions in order of fromStep, non-empty).
const RecipeVersion &recipeAt(const std::vector<RecipeVersion> &versions, int step);

// "v2 from step 301 (studio): NAME" for curves' markers and reports.
std::string describeRecipeVersion(const RecipeVersion &v);

} // namespace latent
