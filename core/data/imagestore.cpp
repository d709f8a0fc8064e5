// SPDX-License-Identifier: MIT
#include "imagestore.h"

#include <ATen/Parallel.h>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cstring>

namespace latent {

namespace {
constexpr std::size_t kBlockBytes = std::size_t(32) << 20;
}

std::vector<std::uint8_t> &ImageStore::blockWithRoom(std::size_t bytes, std::size_t capacity)
{
    if (m_blocks.empty() || m_blocks.back().capacity() - m_blocks.back().size() < bytes) {
        m_blocks.emplace_back();
        m_blocks.back().reserve(capacity);
    }
    return m_blocks.back();
}

void ImageStore::add(const std::uint8_t *pixels, int height, int width, int channels, int label)
{
    const std::size_t n = std::size_t(height) * std::size_t(width) * std::size_t(channels);
    std::vector<std::uint8_t> &block = blockWithRoom(n, std::max(n, kBlockBytes));
    Entry e;
    e.block = int(m_blocks.size()) - 1;
    e.offset = std::int64_t(block.size());
    e.height = height;
    e.width = width;
    e.channels = channels;
    block.insert(block.end(), pixels, pixels + n);
    m_byteCount += std::int64_t(n);
    m_entries.push_back(e);
    m_labels.push_back(label);
    m_channels = std::max(m_channels, channels);
    const int lo = std::min(height, width), hi = std::max(height, width);
    m_minSide = m_entries.size() == 1 ? lo : std::min(m_minSide, lo);
    m_maxSide = std::max(m_maxSide, hi);
}

void ImageStore::append(const ImageStore &other)
{
    reserve(size() + other.size(), byteCount() + other.byteCount());
    for (std::int64_t i = 0; i < other.size(); ++i) {
        const Entry &e = other.entry(i);
        add(other.pixels(i), e.height, e.width, e.channels, other.labels()[std::size_t(i)]);
    }
}

void ImageStore::reserve(std::int64_t images, std::int64_t bytes)
{
    m_entries.reserve(std::size_t(images));
    m_labels.reserve(std::size_t(images));
    if (bytes > m_byteCount) {
        const auto more = std::size_t(bytes - m_byteCount);
        blockWithRoom(more, more);
    }
}

namespace {

// One stored image -> `out` [channels, r, r] float32 in [0, 1].
void shapeOne(const ImageStore &store, std::int64_t i, int channels, int r, float *out)
{
    const ImageStore::Entry &e = store.entry(i);
    cv::Mat img(e.height, e.width, CV_8UC(e.channels), const_cast<std::uint8_t *>(store.pixels(i)));
    if (e.channels != channels) {
        cv::Mat converted;
        cv::cvtColor(img, converted, channels == 3 ? cv::COLOR_GRAY2RGB : cv::COLOR_RGB2GRAY);
        img = converted;
    }
    cv::Mat square;
    const int lo = std::min(e.height, e.width);
    if (e.height <= r && e.width <= r && 4 * lo >= 3 * r) {
        const int top = (r - e.height) / 2, left = (r - e.width) / 2;
        cv::copyMakeBorder(img, square, top, r - e.height - top, left, r - e.width - left,
                           cv::BORDER_CONSTANT, cv::Scalar::all(0));
    } else {
        // Only the centre lo x lo square is kept: an image longer than 4:1
        // is cut to 4:1 first, so that a 1 x 1,000,000 strip is not resized
        // to r x r * 10^6 pixels (gigabytes) each time it is drawn. Others
        // resize whole, as before.
        const int hi = std::max(e.height, e.width);
        if (hi > 4 * lo) {
            const int keep = 4 * lo;
            img = e.height > e.width ? img(cv::Rect(0, (e.height - keep) / 2, e.width, keep))
                                     : img(cv::Rect((e.width - keep) / 2, 0, keep, e.height));
        }
        const double scale = double(r) / double(lo);
        const int h = std::max(r, int(std::lround(img.rows * scale)));
        const int w = std::max(r, int(std::lround(img.cols * scale)));
        cv::Mat resized;
        cv::resize(img, resized, cv::Size(w, h), 0, 0,
                   scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        square = resized(cv::Rect((w - r) / 2, (h - r) / 2, r, r));
    }
    // Interleaved [r, r, C] bytes -> planar [C, r, r] floats.
    for (int y = 0; y < r; ++y) {
        const std::uint8_t *row = square.ptr<std::uint8_t>(y);
        for (int x = 0; x < r; ++x)
            for (int c = 0; c < channels; ++c)
                out[(std::size_t(c) * r + y) * r + x] = float(row[x * channels + c]) / 255.0f;
    }
}

} // namespace

at::Tensor shapeImages(const ImageStore &store, const std::vector<std::int64_t> &indices,
                       int channels, int resolution)
{
    const auto n = std::int64_t(indices.size());
    // Built on the CPU from host bytes; the trainer and encodeImages move
    // batches to the run's device.
    auto out = torch::empty({n, channels, resolution, resolution},
                            torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCPU));
    float *base = out.data_ptr<float>();
    const std::int64_t per = std::int64_t(channels) * resolution * resolution;
    at::parallel_for(0, n, 16, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t k = begin; k < end; ++k)
            shapeOne(store, indices[std::size_t(k)], channels, resolution, base + k * per);
    });
    return out;
}

at::Tensor shapeImages(const ImageStore &store, const at::Tensor &indices, int channels,
                       int resolution)
{
    const auto idx = indices.to(torch::kInt64).contiguous();
    const std::vector<std::int64_t> v(idx.data_ptr<std::int64_t>(),
                                      idx.data_ptr<std::int64_t>() + idx.numel());
    return shapeImages(store, v, channels, resolution);
}

at::Tensor labelsOf(const ImageStore &store, const at::Tensor &indices)
{
    const auto idx = indices.to(torch::kInt64).contiguous();
    // CPU, beside the CPU features the probe and kNN use.
    auto out = torch::empty({idx.numel()},
                            torch::TensorOptions().dtype(torch::kInt64).device(torch::kCPU));
    const std::int64_t *in = idx.data_ptr<std::int64_t>();
    std::int64_t *o = out.data_ptr<std::int64_t>();
    for (std::int64_t k = 0; k < idx.numel(); ++k)
        o[k] = store.labels()[std::size_t(in[k])];
    return out;
}

} // namespace latent
