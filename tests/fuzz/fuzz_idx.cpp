// SPDX-License-Identifier: MIT
// libFuzzer target: IDX files, raw or gzipped. Any input either parses into
// an array whose data size matches its dimensions or throws latent::Error.
#include "data/idx.h"
#include "error.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::vector<std::uint8_t> bytes(data, data + size);
    try {
        const latent::IdxArray a = latent::parseIdx(bytes, "fuzz.idx");
        std::int64_t n = 1;
        for (std::int64_t d : a.dims)
            n *= d;
        if (static_cast<std::int64_t>(a.data.size()) != n) std::abort();
    } catch (const latent::Error &) {
    }
    return 0;
}
