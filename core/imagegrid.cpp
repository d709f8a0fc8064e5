// SPDX-License-Identifier: MIT
#include "imagegrid.h"

#include "atomicfile.h"
#include "error.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace latent {

cv::Mat makeGrid(const ImageBatch &batch, int columns, int padding)
{
    if (batch.count == 0) throw Error("cannot make a grid of zero images");
    columns = std::max(1, std::min(columns, batch.count));
    const int rows = (batch.count + columns - 1) / columns;
    const int type = batch.channels == 1 ? CV_8UC1 : CV_8UC3;
    cv::Mat grid(rows * batch.height + (rows + 1) * padding,
                 columns * batch.width + (columns + 1) * padding, type, cv::Scalar::all(128));
    for (int i = 0; i < batch.count; ++i) {
        const cv::Mat tile(batch.height, batch.width, type,
                           const_cast<std::uint8_t *>(batch.image(i)));
        const int x = padding + (i % columns) * (batch.width + padding);
        const int y = padding + (i / columns) * (batch.height + padding);
        cv::Mat target = grid(cv::Rect(x, y, batch.width, batch.height));
        if (batch.channels == 3)
            cv::cvtColor(tile, target, cv::COLOR_RGB2BGR);
        else
            tile.copyTo(target);
    }
    return grid;
}

void savePng(const cv::Mat &image, const std::string &path)
{
    std::vector<std::uint8_t> encoded;
    if (!cv::imencode(".png", image, encoded)) throw Error("cannot encode a PNG for " + path);
    writeFileAtomically(path, std::string(encoded.begin(), encoded.end()));
}

} // namespace latent
