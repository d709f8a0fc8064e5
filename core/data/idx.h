// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace latent {

// An IDX array of unsigned bytes (the MNIST file format): dims as stored,
// data row-major.
struct IdxArray
{
    std::vector<std::int64_t> dims;
    std::vector<std::uint8_t> data;

    std::int64_t count() const { return dims.empty() ? 0 : dims.front(); }
};

// Reads an IDX file, gzipped or not (detected from the content). Only the
// unsigned-byte element type (0x08) is accepted. Throws latent::Error with the
// file, the byte offset and what was expected on a bad magic number, a short
// header, a data section shorter or longer than the header promises.
IdxArray readIdx(const std::string &path);
IdxArray parseIdx(const std::vector<std::uint8_t> &bytes, const std::string &pathForMessages);

// Images [N, H, W] bytes with labels [N] from a pair of IDX files.
struct LabelledImages
{
    int count = 0;
    int height = 0;
    int width = 0;
    std::vector<std::uint8_t> pixels;
    std::vector<std::uint8_t> labels;
};

LabelledImages readIdxDataset(const std::string &imagesPath, const std::string &labelsPath);

// Fashion-MNIST as Debian's dataset-fashion-mnist installs it.
std::string fashionMnistDir();
LabelledImages readFashionMnist(bool train, const std::string &dir = fashionMnistDir());
std::vector<std::string> fashionMnistClassNames();

} // namespace latent
