// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generator.h"

#include <string>

namespace cv {
class Mat;
}

namespace latent {

// Tiles a batch into rows of `columns` images separated by `padding` pixels of
// mid grey. Grey batches give a 1-channel image, RGB batches a BGR one.
cv::Mat makeGrid(const ImageBatch &batch, int columns, int padding = 2);

// Writes a PNG atomically (encoded in memory, then temporary file + rename).
// Throws latent::Error naming the path when it cannot be written.
void savePng(const cv::Mat &image, const std::string &path);

} // namespace latent
