// SPDX-License-Identifier: MIT
#pragma once
// A small copy of Fashion-MNIST in IDX format, so that runs evaluate in
// seconds instead of a minute.

#include "atomicfile.h"
#include "idx.h"

#include <cstdint>
#include <string>
#include <vector>

namespace latent::test {

inline void writeIdx(const std::string &path, const std::vector<std::int32_t> &dims,
                     const std::uint8_t *data, std::size_t bytes)
{
    std::string out = {0, 0, 8, char(dims.size())};
    for (std::int32_t d : dims)
        for (int shift : {24, 16, 8, 0})
            out.push_back(char((d >> shift) & 0xFF));
    out.append(reinterpret_cast<const char *>(data), bytes);
    writeFileAtomically(path, out);
}

// The first n images of each split into `dir` (train-/t10k- files).
inline void writeSmallDataset(const std::string &dir, int nTrain, int nTest)
{
    for (const bool train : {true, false}) {
        const LabelledImages d = readFashionMnist(train);
        const int n = train ? nTrain : nTest;
        const std::string prefix = dir + (train ? "/train" : "/t10k");
        writeIdx(prefix + "-images-idx3-ubyte", {n, d.height, d.width}, d.pixels.data(),
                 std::size_t(n) * d.height * d.width);
        writeIdx(prefix + "-labels-idx1-ubyte", {n}, d.labels.data(), std::size_t(n));
    }
}

} // namespace latent::test
