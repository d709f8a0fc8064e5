// SPDX-License-Identifier: MIT
#pragma once
// A small copy of Fashion-MNIST in IDX format, so that runs evaluate in
// seconds instead of a minute.

#include "atomicfile.h"
#include "data/idx.h"

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

// The first n images of each split into `dir` (train-/t10k- files); with
// `classes` > 0, the first n of the classes below it.
inline void writeSmallDataset(const std::string &dir, int nTrain, int nTest, int classes = 0)
{
    for (const bool train : {true, false}) {
        const LabelledImages d = readFashionMnist(train);
        const int n = train ? nTrain : nTest;
        const std::size_t side = std::size_t(d.height) * std::size_t(d.width);
        std::vector<std::uint8_t> pixels, labels;
        for (std::size_t i = 0; i < d.labels.size() && int(labels.size()) < n; ++i) {
            if (classes > 0 && d.labels[i] >= classes) continue;
            labels.push_back(d.labels[i]);
            pixels.insert(pixels.end(), d.pixels.begin() + std::ptrdiff_t(i * side),
                          d.pixels.begin() + std::ptrdiff_t((i + 1) * side));
        }
        const std::string prefix = dir + (train ? "/train" : "/t10k");
        writeIdx(prefix + "-images-idx3-ubyte", {n, d.height, d.width}, pixels.data(),
                 pixels.size());
        writeIdx(prefix + "-labels-idx1-ubyte", {n}, labels.data(), labels.size());
    }
}

} // namespace latent::test
