// SPDX-License-Identifier: MIT
// libFuzzer target: Python pickles (CIFAR's Python batches). Any input either
// parses into a dict whose arrays hold as many bytes as their shapes need, or
// throws latent::Error; nothing a pickle names is ever called.
#include "data/pickle.h"
#include "error.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    try {
        const latent::PickleFile file(std::string(reinterpret_cast<const char *>(data), size),
                                      "fuzz.pickle");
        for (const std::string &key : file.keys()) {
            try {
                const latent::PickleArray a = file.array(key);
                if (a.count() * a.itemBytes != static_cast<std::int64_t>(a.data.size()))
                    std::abort();
            } catch (const latent::Error &) {
            }
            try {
                file.integers(key);
            } catch (const latent::Error &) {
            }
            try {
                file.strings(key);
            } catch (const latent::Error &) {
            }
        }
    } catch (const latent::Error &) {
    }
    return 0;
}
