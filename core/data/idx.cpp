// SPDX-License-Identifier: MIT
#include "data/idx.h"

#include "error.h"
#include "runtime.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <limits>

namespace latent {
namespace {

std::uint32_t bigEndian32(const std::uint8_t *p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}

// The most extra bytes past the header's promise that are counted (not
// kept) for the message.
constexpr std::uint64_t kExtraCounted = std::uint64_t(16) << 20;
constexpr std::uint64_t kMaxElements = std::uint64_t(1) << 40;

// The bytes the header promises, read no further than they go: a small gzip
// file of zeros can decompress to gigabytes, which a header promising 60,000
// images must not make this process hold. Bytes past the promise are counted
// into `extra` (up to kExtraCounted + 1), not kept. A header that parseIdx
// will refuse stops the reading where it becomes known. Compressed or plain
// files: gzread passes plain files through unchanged.
std::vector<std::uint8_t> readPromised(const std::string &path, std::uint64_t &extra)
{
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw Error("IDX file " + path + ": cannot be opened (" + std::strerror(errno) + ")");
    std::vector<std::uint8_t> bytes;
    extra = 0;
    std::uint64_t wanted = 4; // the magic number, then the header, then header + data
    bool sized = false;
    std::uint8_t chunk[1 << 16];
    while (extra <= kExtraCounted) {
        const unsigned ask =
            bytes.size() < wanted
                ? unsigned(std::min<std::uint64_t>(sizeof chunk, wanted - bytes.size()))
                : unsigned(sizeof chunk);
        const int n = gzread(f, chunk, ask);
        if (n < 0) {
            int code = 0;
            const std::string msg = gzerror(f, &code);
            gzclose(f);
            throw Error("IDX file " + path + ": cannot be decompressed after " +
                        std::to_string(bytes.size() + extra) + " bytes (" + msg + ")");
        }
        if (n == 0) break;
        if (bytes.size() < wanted)
            bytes.insert(bytes.end(), chunk, chunk + n);
        else
            extra += std::uint64_t(n);
        if (sized || bytes.size() < wanted) continue;
        // bytes.size() == wanted: the magic number or the whole header is in.
        const int rank = bytes[3];
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || rank < 1 || rank > 4) break;
        const std::uint64_t header = 4 + 4 * std::uint64_t(rank);
        if (wanted < header) {
            wanted = header;
            continue;
        }
        std::uint64_t total = 1;
        bool tooLarge = false;
        for (int i = 0; i < rank && !tooLarge; ++i) {
            const std::uint32_t dim = bigEndian32(bytes.data() + 4 + 4 * i);
            tooLarge = dim != 0 && total > kMaxElements / dim;
            total *= dim;
        }
        if (tooLarge) break; // parseIdx says so
        // What it promises must fit: a lying header over a gzip of zeros
        // would otherwise be read to its promise.
        if (const std::size_t available = availableMemoryBytes(); available && total > available) {
            gzclose(f);
            throw Error("IDX file " + path + ": the header promises " + std::to_string(total) +
                        " data bytes, more than the " + std::to_string(available) +
                        " bytes of memory available");
        }
        wanted = header + total;
        sized = true;
    }
    // A gzip stream cut short reads as EOF; gzclose_r reports it as Z_BUF_ERROR.
    if (gzclose_r(f) == Z_BUF_ERROR && extra <= kExtraCounted)
        throw Error("IDX file " + path + ": the gzip stream is truncated after " +
                    std::to_string(bytes.size() + extra) + " decompressed bytes");
    return bytes;
}

std::string extraBytesText(std::uint64_t total, std::uint64_t header, std::uint64_t extra)
{
    return "the header promises " + std::to_string(total) + " data bytes from byte " +
           std::to_string(header) + " but " +
           (extra > kExtraCounted ? "more than " + std::to_string(kExtraCounted)
                                  : std::to_string(extra)) +
           " extra bytes follow at byte " + std::to_string(header + total);
}

} // namespace

IdxArray parseIdx(const std::vector<std::uint8_t> &bytes, const std::string &path)
{
    const auto fail = [&](const std::string &what) {
        throw Error("IDX file " + path + ": " + what);
    };
    if (bytes.size() < 4)
        fail("file is " + std::to_string(bytes.size()) +
             " bytes; expected a 4-byte magic number at byte 0");
    if (bytes[0] != 0 || bytes[1] != 0)
        fail("bad magic number at byte 0 (" + std::to_string(bytes[0]) + ", " +
             std::to_string(bytes[1]) + "); expected two zero bytes, then type and rank");
    if (bytes[2] != 0x08) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", bytes[2]);
        fail(std::string("element type ") + hex +
             " at byte 2 is not supported; expected 0x08 (unsigned byte)");
    }
    const int rank = bytes[3];
    if (rank < 1 || rank > 4)
        fail("rank " + std::to_string(rank) + " at byte 3; expected 1 to 4 dimensions");
    const std::size_t header = 4 + 4 * static_cast<std::size_t>(rank);
    if (bytes.size() < header)
        fail("header is cut at byte " + std::to_string(bytes.size()) + "; expected " +
             std::to_string(header) + " header bytes for rank " + std::to_string(rank));

    IdxArray out;
    std::uint64_t total = 1;
    for (int i = 0; i < rank; ++i) {
        const std::uint32_t dim = bigEndian32(bytes.data() + 4 + 4 * i);
        out.dims.push_back(dim);
        // Checked before multiplying: 2^40 * a 32-bit dim can wrap a 64-bit
        // product to 0 and make a lying header look consistent (fuzz_idx).
        if (dim != 0 && total > kMaxElements / dim)
            fail("dimensions in the header (byte " + std::to_string(4 + 4 * i) +
                 ") describe more than 2^40 elements");
        total *= dim;
    }
    const std::uint64_t available = bytes.size() - header;
    if (available < total)
        fail("truncated: the header promises " + std::to_string(total) + " data bytes from byte " +
             std::to_string(header) + " but the data ends at byte " + std::to_string(bytes.size()));
    if (available > total) fail(extraBytesText(total, header, available - total));
    out.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
    return out;
}

IdxArray readIdx(const std::string &path)
{
    std::uint64_t extra = 0;
    IdxArray array = parseIdx(readPromised(path, extra), path);
    if (extra > 0)
        throw Error(
            "IDX file " + path + ": " +
            extraBytesText(std::uint64_t(array.data.size()), 4 + 4 * array.dims.size(), extra));
    return array;
}

LabelledImages readIdxDataset(const std::string &imagesPath, const std::string &labelsPath)
{
    IdxArray images = readIdx(imagesPath);
    const IdxArray labels = readIdx(labelsPath);
    if (images.dims.size() != 3)
        throw Error("IDX file " + imagesPath + ": rank " + std::to_string(images.dims.size()) +
                    "; expected 3 (count, height, width) for images");
    if (labels.dims.size() != 1)
        throw Error("IDX file " + labelsPath + ": rank " + std::to_string(labels.dims.size()) +
                    "; expected 1 (count) for labels");
    if (images.count() != labels.count())
        throw Error("IDX files " + imagesPath + " and " + labelsPath +
                    " disagree: " + std::to_string(images.count()) + " images but " +
                    std::to_string(labels.count()) + " labels");
    if (images.count() > std::numeric_limits<int>::max())
        throw Error("IDX file " + imagesPath + ": too many images");
    if (images.dims[1] < 1 || images.dims[2] < 1 || images.dims[1] > 65536 ||
        images.dims[2] > 65536)
        throw Error("IDX file " + imagesPath + ": images of " + std::to_string(images.dims[1]) +
                    " x " + std::to_string(images.dims[2]) +
                    " pixels; expected 1 to 65536 pixels a side");
    LabelledImages out;
    out.count = static_cast<int>(images.count());
    out.height = static_cast<int>(images.dims[1]);
    out.width = static_cast<int>(images.dims[2]);
    out.pixels = std::move(images.data);
    out.labels = labels.data;
    return out;
}

std::string fashionMnistDir()
{
    return "/usr/share/datasets/fashion-mnist";
}

LabelledImages readFashionMnist(bool train, const std::string &dir)
{
    const std::string prefix = dir + (train ? "/train" : "/t10k");
    return readIdxDataset(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz");
}

std::vector<std::string> fashionMnistClassNames()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
}

} // namespace latent
