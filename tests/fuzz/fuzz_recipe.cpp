// SPDX-License-Identifier: MIT
// libFuzzer target: view recipes. Any input either parses or throws
// latent::Error; a recipe that parses survives a round trip through its own
// JSON unchanged. Anything else (another exception, a sanitizer report) is
// a bug.
#include "error.h"
#include "views/viewrecipe.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    latent::ViewRecipe recipe;
    try {
        recipe = latent::recipeFromJson(text, "fuzz.recipe.json");
    } catch (const latent::Error &) {
        return 0;
    }
    const std::string once = latent::toJson(recipe);
    const std::string twice = latent::toJson(latent::recipeFromJson(once, "round-trip.json"));
    if (once != twice) std::abort();
    return 0;
}
