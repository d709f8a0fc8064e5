// SPDX-License-Identifier: MIT
#pragma once
// Real images held once as bytes at their own size; every consumer (the
// probe, kNN, real-data training, previews) shapes the few it needs per
// batch, so memory grows with the stored bytes, never with the encoder's
// input size.

#include <cstdint>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

class ImageStore
{
public:
    struct Entry
    {
        int block = 0;           // of the byte blocks
        std::int64_t offset = 0; // in that block
        int height = 0, width = 0;
        int channels = 1; // 1 (grey) or 3 (RGB), interleaved [H, W, C]
    };

    // Appends one image of [height, width, channels] bytes; label -1: none.
    void add(const std::uint8_t *pixels, int height, int width, int channels, int label);
    // Appends every image of `other` (labels kept).
    void append(const ImageStore &other);
    // Room for `images` in all and `bytes` of pixels in all (a loader that
    // knows its sizes stores them in one block).
    void reserve(std::int64_t images, std::int64_t bytes);

    std::int64_t size() const { return std::int64_t(m_entries.size()); }
    bool empty() const { return m_entries.empty(); }
    const Entry &entry(std::int64_t i) const { return m_entries[std::size_t(i)]; }
    const std::uint8_t *pixels(std::int64_t i) const
    {
        const Entry &e = entry(i);
        return m_blocks[std::size_t(e.block)].data() + e.offset;
    }
    const std::vector<int> &labels() const { return m_labels; }
    std::int64_t byteCount() const { return m_byteCount; }
    // The largest channel count of any image (1 when all are grey).
    int channels() const { return m_channels; }
    int minSide() const { return m_minSide; }
    int maxSide() const { return m_maxSide; }

private:
    // A block with room for `bytes` more; a new one of `capacity` bytes when
    // the last one has less.
    std::vector<std::uint8_t> &blockWithRoom(std::size_t bytes, std::size_t capacity);

    // Bytes in blocks that never move once made: adding an image never
    // copies the stored ones (one growing vector held its old and its new
    // copy at once, twice a large folder's bytes).
    std::vector<std::vector<std::uint8_t>> m_blocks;
    std::int64_t m_byteCount = 0;
    std::vector<Entry> m_entries;
    std::vector<int> m_labels;
    int m_channels = 1;
    int m_minSide = 0, m_maxSide = 0;
};

// Images `indices` of `store` as float32 [B, channels, resolution,
// resolution] in [0, 1] (CPU, contiguous). An image that fits and fills at
// least 3/4 of the side is centred on black (28 -> 32 pads 2 pixels, as the
// default generator was trained); any other is resized so its shorter side
// is `resolution` (area filter when shrinking, bilinear when growing), then
// centre-cropped. Grey becomes RGB by repetition, RGB grey by luminance
// (ITU-R BT.601). Images are shaped in parallel.
at::Tensor shapeImages(const ImageStore &store, const std::vector<std::int64_t> &indices,
                       int channels, int resolution);
at::Tensor shapeImages(const ImageStore &store, const at::Tensor &indices, int channels,
                       int resolution); // indices: [B] int64

// The label of each index as int64 [B].
at::Tensor labelsOf(const ImageStore &store, const at::Tensor &indices);

} // namespace latent
