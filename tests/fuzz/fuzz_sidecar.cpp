// SPDX-License-Identifier: MIT
// libFuzzer target: generator sidecars. Any input either parses into a
// range-checked GeneratorInfo or throws latent::Error.
#include "error.h"
#include "generators/generatorinfo.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        const latent::GeneratorInfo info = latent::parseSidecar(text, "fuzz.json");
        // The limits parseSidecar promises to enforce.
        if (info.latentSize <= 0 || info.numClasses < 0) std::abort();
    } catch (const latent::Error &) {
    }
    return 0;
}
