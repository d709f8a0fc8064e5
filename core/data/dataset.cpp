// SPDX-License-Identifier: MIT
#include "dataset.h"

#include "data/idx.h"
#include "data/pickle.h"
#include "error.h"
#include "runtime.h"
#include "views/directions.h" // Cancelled

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace latent {
namespace {

const char *const kImageKinds = ".png, .jpg, .jpeg, .bmp, .tif, .tiff, .webp, .pgm or .ppm";

bool isImageFile(const fs::path &p)
{
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (const char *kind :
         {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"})
        if (ext == kind) return true;
    return false;
}

bool isDir(const fs::path &p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// Hidden entries (".ipynb_checkpoints", macOS's "._x.jpg") and the folders
// that archivers and NAS indexers add ("__MACOSX", Synology's "@eaDir"
// thumbnails): never classes or images of the set.
bool isSystemEntry(const fs::path &p)
{
    const std::string name = p.filename().string();
    return name.empty() || name[0] == '.' || name == "__MACOSX" || name == "@eaDir";
}

bool isFile(const std::string &p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::string firstExisting(const std::string &dir, const std::vector<std::string> &names)
{
    for (const std::string &n : names)
        if (isFile(dir + "/" + n)) return dir + "/" + n;
    return {};
}

// ---- IDX ----------------------------------------------------------------

// `base` ("train-images-idx3-ubyte") as LeCun's site names it and as some
// mirrors do ("train-images.idx3-ubyte"), each also gzipped.
std::vector<std::string> idxNames(const std::string &base)
{
    std::string dotted = base;
    dotted[dotted.rfind("-idx")] = '.';
    return {base + ".gz", base, dotted + ".gz", dotted};
}

std::string idxFile(const std::string &dir, const std::string &base)
{
    const std::vector<std::string> names = idxNames(base);
    const std::string p = firstExisting(dir, names);
    if (p.empty())
        throw Error("dataset folder " + dir + " has no " + base + " (or " + names[0] + ", " +
                    names[3] + " or " + names[2] +
                    "); expected train-/t10k- images-idx3-ubyte and labels-idx1-ubyte files");
    return p;
}

void readIdxSplit(const std::string &dir, const std::string &split, ImageStore &store)
{
    const LabelledImages d = readIdxDataset(idxFile(dir, split + "-images-idx3-ubyte"),
                                            idxFile(dir, split + "-labels-idx1-ubyte"));
    const std::int64_t per = std::int64_t(d.height) * d.width;
    store.reserve(d.count, d.count * per);
    for (int i = 0; i < d.count; ++i)
        store.add(d.pixels.data() + i * per, d.height, d.width, 1, d.labels[std::size_t(i)]);
}

void readIdx(Dataset &data, bool fashion)
{
    readIdxSplit(data.path, "train", data.train);
    readIdxSplit(data.path, "t10k", data.test);
    if (fashion) {
        data.classNames = fashionMnistClassNames();
        for (const ImageStore *split : {&data.train, &data.test})
            for (int l : split->labels())
                if (l >= int(data.classNames.size()))
                    throw Error("Fashion-MNIST in " + data.path + ": label " + std::to_string(l) +
                                "; expected 0 to 9");
        return;
    }
    // Classes 0 to the largest label. A few may have no training image
    // (EMNIST Letters numbers its classes from 1), but mostly empty ones
    // are a damaged label file: one stray byte would make up to 256 classes.
    if (data.train.empty())
        throw Error("IDX images " + idxFile(data.path, "train-images-idx3-ubyte") +
                    ": 0 images; expected at least one training image");
    std::vector<int> counts;
    for (int l : data.train.labels()) {
        if (l >= int(counts.size())) counts.resize(std::size_t(l) + 1, 0);
        ++counts[std::size_t(l)];
    }
    const auto empty = std::count(counts.begin(), counts.end(), 0);
    if (2 * empty > std::int64_t(counts.size()))
        throw Error("IDX labels " + idxFile(data.path, "train-labels-idx1-ubyte") +
                    ": labels run to " + std::to_string(counts.size() - 1) + " but " +
                    std::to_string(empty) + " of the " + std::to_string(counts.size()) +
                    " classes 0 to " + std::to_string(counts.size() - 1) +
                    " have no training image; expected labels 0 to K-1 for K classes (a "
                    "damaged label file?)");
    for (int l : data.test.labels())
        if (l >= int(counts.size()))
            throw Error("IDX labels " + idxFile(data.path, "t10k-labels-idx1-ubyte") + ": label " +
                        std::to_string(l) + " is not a class of the train split (labels 0 to " +
                        std::to_string(counts.size() - 1) + ")");
    for (std::size_t c = 0; c < counts.size(); ++c)
        data.classNames.push_back(std::to_string(c));
}

// ---- CIFAR --------------------------------------------------------------

std::vector<std::string> readLines(const std::string &path)
{
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

// Well-formed UTF-8 by its byte patterns (lead byte, then 10xxxxxx
// continuation bytes); overlong forms are not looked for.
bool isUtf8(const std::string &s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i++]);
        const std::size_t more = lead < 0x80             ? 0
                                 : (lead & 0xE0) == 0xC0 ? 1
                                 : (lead & 0xF0) == 0xE0 ? 2
                                 : (lead & 0xF8) == 0xF0 ? 3
                                                         : 4; // not a lead byte
        if (more == 4 || s.size() - i < more) return false;
        for (std::size_t k = 0; k < more; ++k)
            if ((static_cast<unsigned char>(s[i++]) & 0xC0) != 0x80) return false;
    }
    return true;
}

// Class names go into reports, recipes and JSON, which hold UTF-8 text only:
// a folder named in another encoding (an old archive's Latin-1) is refused
// before anything is decoded, its bytes shown.
void requireTextNames(const Dataset &data)
{
    for (const std::string &name : data.classNames) {
        if (isUtf8(name)) continue;
        std::string shown;
        for (const char ch : name) {
            const auto c = static_cast<unsigned char>(ch);
            if (c >= 0x20 && c < 0x7F) {
                shown += ch;
            } else {
                char hex[5];
                std::snprintf(hex, sizeof hex, "\\x%02X", c);
                shown += hex;
            }
        }
        throw Error("dataset " + data.path + ": class \"" + shown +
                    "\" is not named in UTF-8 text (a folder from an archive made with another "
                    "encoding?); rename it");
    }
}

// CIFAR stores each image as R, G and B planes of 32x32; the store holds HWC.
void addCifarImage(const std::uint8_t *planes, int label, ImageStore &store)
{
    std::uint8_t hwc[3072];
    for (int p = 0; p < 1024; ++p)
        for (int c = 0; c < 3; ++c)
            hwc[p * 3 + c] = planes[c * 1024 + p];
    store.add(hwc, 32, 32, 3, label);
}

const char *cifarKind(int numClasses)
{
    return numClasses == 10 ? "CIFAR-10" : "CIFAR-100";
}

// One binary batch: records of `labelBytes` label bytes (the last one is
// used: CIFAR-100's fine label) + 3,072 bytes of R, G and B planes of 32x32.
void readCifarFile(const std::string &path, int labelBytes, int numClasses, ImageStore &store)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("CIFAR file " + path + " cannot be read");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t record = std::size_t(labelBytes) + 3072;
    const char *kind = cifarKind(numClasses);
    if (bytes.empty() || bytes.size() % record != 0)
        throw Error(std::string(kind) + " file " + path + " is " + std::to_string(bytes.size()) +
                    " bytes, not a multiple of " + std::to_string(record) + " (" +
                    std::to_string(labelBytes) + " label byte(s) + 3,072 pixel bytes per image)");
    const std::size_t n = bytes.size() / record;
    store.reserve(store.size() + std::int64_t(n), store.byteCount() + std::int64_t(n) * 3072);
    for (std::size_t i = 0; i < n; ++i) {
        const auto *r = reinterpret_cast<const std::uint8_t *>(bytes.data() + i * record);
        const int label = r[labelBytes - 1];
        if (label >= numClasses)
            throw Error(std::string(kind) + " file " + path + ": image " + std::to_string(i) +
                        " (byte offset " + std::to_string(i * record) + ") has label " +
                        std::to_string(label) + "; expected 0 to " +
                        std::to_string(numClasses - 1));
        addCifarImage(r + labelBytes, label, store);
    }
}

// One batch of the Python version (what torchvision downloads): a pickled
// dict whose 'data' is uint8 [N, 3072] (R, G and B planes of 32x32; [N, 3,
// 32, 32] is the same bytes) and whose `labelKey` lists N labels.
void readCifarPythonFile(const std::string &path, const char *labelKey, int numClasses,
                         ImageStore &store)
{
    const std::string kind = cifarKind(numClasses) + std::string(" batch ") + path;
    const PickleFile file = PickleFile::read(path);
    const PickleArray data = file.array("data");
    const std::vector<std::int64_t> labels = file.integers(labelKey);
    const auto &shape = data.shape;
    const bool planes = (shape.size() == 2 && shape[1] == 3072) ||
                        (shape.size() == 4 && shape[1] == 3 && shape[2] == 32 && shape[3] == 32);
    if (data.kind != 'u' || data.itemBytes != 1 || !planes || data.fortranOrder)
        throw Error(kind + ": 'data' is " + data.describe() +
                    "; expected uint8 of shape (N, 3072) in C order (R, G and B planes of 32x32)");
    const std::int64_t n = shape[0];
    if (std::int64_t(labels.size()) != n)
        throw Error(kind + ": 'data' holds " + std::to_string(n) + " images and '" + labelKey +
                    "' " + std::to_string(labels.size()) + " labels; expected one label per image");
    store.reserve(store.size() + n, store.byteCount() + n * 3072);
    const auto *pixels = reinterpret_cast<const std::uint8_t *>(data.data.data());
    for (std::int64_t i = 0; i < n; ++i) {
        if (labels[std::size_t(i)] < 0 || labels[std::size_t(i)] >= numClasses)
            throw Error(kind + ": image " + std::to_string(i) + " has label " +
                        std::to_string(labels[std::size_t(i)]) + " in '" + labelKey +
                        "'; expected 0 to " + std::to_string(numClasses - 1));
        addCifarImage(pixels + i * 3072, int(labels[std::size_t(i)]), store);
    }
}

// Class names from the Python version's meta pickle; none when it is absent.
std::vector<std::string> pickledNames(const std::string &path, const char *key)
{
    return isFile(path) ? PickleFile::read(path).strings(key) : std::vector<std::string>{};
}

// The binary version (data_batch_1.bin ...) or the Python version (the same
// names without .bin, pickles), whichever the folder holds.
void readCifar(Dataset &data, bool hundred)
{
    const std::string &dir = data.path;
    const int numClasses = hundred ? 100 : 10;
    const std::string probe = dir + (hundred ? "/train" : "/test_batch");
    const bool python = !isFile(probe + ".bin") && isFile(probe);
    const std::string ext = python ? "" : ".bin";
    auto readBatch = [&](const std::string &path, ImageStore &store) {
        if (python)
            readCifarPythonFile(path, hundred ? "fine_labels" : "labels", numClasses, store);
        else
            readCifarFile(path, hundred ? 2 : 1, numClasses, store);
    };
    if (!hundred) {
        // Batches 1 to k (a subset is a smaller training set); a gap is a
        // file lost in extraction, not a choice.
        std::vector<std::string> batches;
        for (int i = 1; i <= 5; ++i) {
            const std::string p = dir + "/data_batch_" + std::to_string(i) + ext;
            if (!isFile(p)) continue;
            if (int(batches.size()) + 1 != i)
                throw Error("CIFAR-10 folder " + dir + " has data_batch_" + std::to_string(i) +
                            ext + " but no data_batch_" + std::to_string(batches.size() + 1) + ext +
                            "; expected data_batch_1 to data_batch_5 (or 1 to k) without gaps");
            batches.push_back(p);
        }
        if (batches.empty() || !isFile(dir + "/test_batch" + ext))
            throw Error("CIFAR-10 folder " + dir +
                        " needs data_batch_1 to data_batch_5 and test_batch, as .bin files (the "
                        "binary version) or without an extension (the Python version)");
        for (const std::string &b : batches)
            readBatch(b, data.train);
        readBatch(dir + "/test_batch" + ext, data.test);
        data.classNames = python ? pickledNames(dir + "/batches.meta", "label_names")
                                 : readLines(dir + "/batches.meta.txt");
        if (data.classNames.size() != 10)
            data.classNames = {"airplane", "automobile", "bird",  "cat",  "deer",
                               "dog",      "frog",       "horse", "ship", "truck"};
        return;
    }
    if (!isFile(dir + "/train" + ext) || !isFile(dir + "/test" + ext))
        throw Error("CIFAR-100 folder " + dir +
                    " needs train.bin and test.bin (the binary version) or train and test (the "
                    "Python version)");
    readBatch(dir + "/train" + ext, data.train);
    readBatch(dir + "/test" + ext, data.test);
    data.classNames = python ? pickledNames(dir + "/meta", "fine_label_names")
                             : readLines(dir + "/fine_label_names.txt");
    if (data.classNames.size() != 100) {
        data.classNames.clear();
        for (int c = 0; c < 100; ++c)
            data.classNames.push_back(std::to_string(c));
    }
}

// ---- Image folders --------------------------------------------------------

struct ImageFile
{
    std::string path;
    int label = -1;
    int split = 0; // 0 train, 1 val, 2 test
};

// Directories directly inside `dir` (symlinks followed) and image files.
void listFolder(const fs::path &dir, std::vector<fs::path> &subdirs, std::vector<fs::path> &images)
{
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) throw Error("image folder " + dir.string() + " cannot be listed: " + ec.message());
    for (const fs::directory_entry &e : it) {
        if (isSystemEntry(e.path()))
            continue;
        else if (isDir(e.path()))
            subdirs.push_back(e.path());
        else if (isImageFile(e.path()))
            images.push_back(e.path());
    }
    std::sort(subdirs.begin(), subdirs.end());
    std::sort(images.begin(), images.end());
}

// Every image under a class folder, nested folders included, in name order.
// `ancestors` holds the canonical folders above, to catch symlink loops.
void collectImages(const fs::path &dir, std::set<fs::path> &ancestors, std::vector<fs::path> &out)
{
    std::error_code ec;
    const fs::path canonical = fs::canonical(dir, ec);
    if (ec) throw Error("image folder " + dir.string() + " cannot be resolved: " + ec.message());
    if (ancestors.count(canonical))
        throw Error("image folder " + dir.string() + " leads back to " + canonical.string() +
                    " (a symlink loop); remove the link");
    ancestors.insert(canonical);
    std::vector<fs::path> subdirs, images;
    listFolder(dir, subdirs, images);
    out.insert(out.end(), images.begin(), images.end());
    for (const fs::path &s : subdirs)
        collectImages(s, ancestors, out);
    ancestors.erase(canonical);
}

std::string detectFormat(const std::string &dir);

// A class folder without images that is another dataset (torchvision's
// root holds cifar-10-batches-py/ beside the archive): where to look instead.
std::string otherDatasetIn(const std::string &dir)
{
    const std::string format = detectFormat(dir);
    if (format == "folder") return "";
    return "; it holds " +
           std::string(format == "idx"       ? "IDX files"
                       : format == "cifar10" ? "CIFAR-10 batches"
                                             : "CIFAR-100 batches") +
           ": choose that folder instead";
}

// A folder in the class layout (one subfolder per class) or unlabelled
// (images directly inside). `classes` is filled by the first split read and
// must match for the others.
void listSplit(const fs::path &dir, int split, std::vector<std::string> &classes, bool &unlabelled,
               std::vector<ImageFile> &files)
{
    std::vector<fs::path> subdirs, images;
    listFolder(dir, subdirs, images);
    if (!subdirs.empty() && !images.empty())
        throw Error("image folder " + dir.string() + " holds both images (" +
                    images.front().filename().string() + ") and folders (" +
                    subdirs.front().filename().string() +
                    "); expected one subfolder per class, or only images for an unlabelled set");
    if (subdirs.empty()) {
        unlabelled = true;
        for (const fs::path &p : images)
            files.push_back({p.string(), -1, split});
        return;
    }
    for (const fs::path &s : subdirs) {
        const std::string name = s.filename().string();
        auto it = std::find(classes.begin(), classes.end(), name);
        if (it == classes.end()) {
            if (split != 0)
                throw Error("image folder " + dir.string() + " has class folder '" + name +
                            "', which the train split does not have");
            classes.push_back(name);
            it = classes.end() - 1;
        }
        std::set<fs::path> ancestors = {fs::canonical(dir)};
        std::vector<fs::path> found;
        collectImages(s, ancestors, found);
        if (found.empty())
            throw Error("class folder " + s.string() + " has no images (expected " + kImageKinds +
                        " files)" + otherDatasetIn(s.string()));
        for (const fs::path &p : found)
            files.push_back({p.string(), int(it - classes.begin()), split});
    }
}

// `img` (any depth and channel count) -> 8-bit grey or RGB.
cv::Mat toStoredForm(const cv::Mat &img, int maxShorterSide)
{
    cv::Mat out = img;
    if (out.depth() == CV_32F || out.depth() == CV_64F) {
        // Floating-point TIFFs (microscopy, renderers): [0, 1] by convention,
        // else 0..255, else their own range stretched (a scale of 1 made the
        // first kind black).
        double lo = 0, hi = 0;
        cv::minMaxLoc(out.reshape(1), &lo, &hi);
        cv::Mat tmp;
        if (hi <= 1.0 && lo >= 0)
            out.convertTo(tmp, CV_8U, 255.0);
        else if (hi <= 255.0 && lo >= 0)
            out.convertTo(tmp, CV_8U);
        else
            out.convertTo(tmp, CV_8U, 255.0 / std::max(hi - lo, 1e-12),
                          -lo * 255.0 / std::max(hi - lo, 1e-12));
        out = tmp;
    } else if (out.depth() != CV_8U) {
        cv::Mat tmp;
        const double scale = out.depth() == CV_16U ? 1.0 / 257.0 : 1.0;
        out.convertTo(tmp, CV_8U, scale);
        out = tmp;
    }
    if (out.channels() == 4)
        cv::cvtColor(out, out, cv::COLOR_BGRA2RGB);
    else if (out.channels() == 3)
        cv::cvtColor(out, out, cv::COLOR_BGR2RGB);
    else if (out.channels() == 2)
        cv::extractChannel(out, out, 0);
    const int lo = std::min(out.rows, out.cols);
    if (maxShorterSide > 0 && lo > maxShorterSide) {
        const double s = double(maxShorterSide) / lo;
        cv::Mat small;
        cv::resize(out, small,
                   cv::Size(std::max(maxShorterSide, int(std::lround(out.cols * s))),
                            std::max(maxShorterSide, int(std::lround(out.rows * s)))),
                   0, 0, cv::INTER_AREA);
        out = small;
    }
    return out.isContinuous() ? out : out.clone();
}

// Decodes `files` on worker threads into the data's stores, in list order,
// a chunk at a time: the decoded images wait in memory only until their
// chunk is stored (all of them at once doubled a large folder's peak).
void decodeAll(const std::vector<ImageFile> &files, const DatasetOptions &options, Dataset &data)
{
    const std::size_t n = files.size();
    const unsigned threads = std::min<unsigned>(options.threads > 0 ? unsigned(options.threads)
                                                                    : unsigned(defaultThreads()),
                                                unsigned(std::max<std::size_t>(1, n)));
    const std::size_t chunk = std::size_t(threads) * 256;
    ImageStore *stores[] = {&data.train, &data.val, &data.test};
    std::atomic<std::size_t> done{0}, downscaled{0};
    std::mutex progressMutex;
    for (std::size_t begin = 0; begin < n; begin += chunk) {
        const std::size_t end = std::min(n, begin + chunk);
        std::vector<cv::Mat> decoded(end - begin);
        std::vector<std::string> failures(end - begin);
        std::atomic<std::size_t> next{begin};
        std::atomic<bool> stop{false}, cancelled{false};
        auto work = [&] {
            for (std::size_t i; !stop && (i = next++) < end;) {
                cv::Mat &out = decoded[i - begin];
                std::string &failure = failures[i - begin];
                try {
                    cv::Mat img =
                        cv::imread(files[i].path, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
                    if (img.empty() || img.rows <= 0 || img.cols <= 0)
                        failure = "not an image OpenCV can decode";
                    else
                        out = toStoredForm(img, options.maxShorterSide);
                    if (!img.empty() && out.rows * out.cols < img.rows * img.cols) ++downscaled;
                } catch (const cv::Exception &e) {
                    failure = "decoding failed (" + std::string(e.what()) + ")";
                }
                if (!failure.empty() && !options.skipUnreadable) stop = true;
                const std::size_t d = ++done;
                if (options.progress && (d % 64 == 0 || d == n)) {
                    std::lock_guard lock(progressMutex);
                    if (!options.progress(std::int64_t(d), std::int64_t(n))) {
                        cancelled = true;
                        stop = true;
                    }
                }
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back(work);
        for (std::thread &t : pool)
            t.join();
        if (cancelled) throw Cancelled();
        for (std::size_t i = begin; i < end; ++i) {
            const std::string &failure = failures[i - begin];
            if (failure.empty()) continue;
            if (!options.skipUnreadable)
                throw Error("image " + files[i].path + " cannot be read: " + failure +
                            " (expected " + kImageKinds +
                            "); fix or remove it, or skip unreadable images (--skip-unreadable)");
            data.skipped.push_back(files[i].path + ": " + failure);
        }
        for (std::size_t i = begin; i < end; ++i) {
            cv::Mat &m = decoded[i - begin];
            if (m.empty()) continue;
            stores[files[i].split]->add(m.data, m.rows, m.cols, m.channels(), files[i].label);
            m.release(); // the store holds the only copy from here
        }
    }
    data.downscaled = std::int64_t(downscaled);
    data.downscaledTo = options.maxShorterSide;
}

std::string lowerCase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

constexpr int kLeftOutRole = 3; // a folder of unlabelled images to predict

// A split folder's role by its name, whatever its case and a "_set" or
// "-set" ending (Kaggle's training_set/test_set, mnist_png's
// training/testing, Roboflow's valid/): 0 train, 1 validation, 2 test,
// kLeftOutRole for a folder to predict or unlabelled, -1 not a split folder.
int splitRole(const std::string &folderName)
{
    std::string name = lowerCase(folderName);
    for (const char *suffix : {"_set", "-set"})
        if (name.size() > 4 && name.compare(name.size() - 4, 4, suffix) == 0)
            name.resize(name.size() - 4);
    if (name == "train" || name == "training") return 0;
    if (name == "val" || name == "valid" || name == "validation") return 1;
    if (name == "test" || name == "testing") return 2;
    if (name == "pred" || name == "predict" || name == "prediction" || name == "unlabeled" ||
        name == "unlabelled")
        return kLeftOutRole;
    return -1;
}

// "seg_" of a train folder named with a prefix (Kaggle's seg_train), lower
// case; "" for any other name.
std::string trainPrefix(const std::string &folderName)
{
    const std::string name = lowerCase(folderName);
    const std::size_t cut = name.find_last_of("_-");
    if (splitRole(name) >= 0 || cut == std::string::npos || cut == 0 ||
        splitRole(name.substr(cut + 1)) != 0)
        return "";
    return name.substr(0, cut + 1);
}

// Archives nest a folder in one of the same name (Kaggle's
// seg_train/seg_train/CLASS): the innermost, while a folder holds only that.
fs::path unnested(fs::path dir)
{
    for (int depth = 0; depth < 8; ++depth) {
        std::vector<fs::path> subdirs, images;
        listFolder(dir, subdirs, images);
        if (subdirs.size() != 1 || !images.empty() ||
            lowerCase(subdirs[0].filename().string()) != lowerCase(dir.filename().string()))
            break;
        dir = subdirs[0];
    }
    return dir;
}

void readFolder(Dataset &data, const DatasetOptions &options)
{
    fs::path given(data.path);
    if (!given.has_filename()) given = given.parent_path(); // "dir/", as shells complete it
    const fs::path top = unnested(given);
    if (top != given) data.folderLayout.top = fs::relative(top, given).string();
    std::vector<ImageFile> files;
    bool unlabelled = false;
    // The split layout: every top folder a split's (by any of splitRole's
    // names, or with the prefix of a prefixed train folder beside them, as
    // Kaggle's seg_train and seg_test; folders to predict beside a train
    // folder are left out), or an exactly named train/ of class folders,
    // whatever sits beside it (STL-10's unlabeled/ is left out). A train/ of
    // images beside other folders is a class (CIFAR-100 has one), as is a
    // "Training" or "test_set" beside other classes.
    std::vector<fs::path> topFolders, trainFolders, unused;
    listFolder(top, topFolders, unused);
    std::string prefix;
    for (const fs::path &f : topFolders)
        if (prefix.empty()) prefix = trainPrefix(f.filename().string());
    const auto roleOf = [&prefix](const fs::path &f) {
        const std::string name = lowerCase(f.filename().string());
        const int role = splitRole(name);
        if (role >= 0 || prefix.empty() || name.rfind(prefix, 0) != 0) return role;
        return splitRole(name.substr(prefix.size()));
    };
    const bool hasTrain =
        std::any_of(topFolders.begin(), topFolders.end(), [&](auto &f) { return roleOf(f) == 0; });
    // {test, pred} are two classes: a folder to predict is a split's only beside a train folder.
    const auto splitLike = [&](const fs::path &f) {
        const int role = roleOf(f);
        return role >= 0 && (role != kLeftOutRole || hasTrain);
    };
    const bool allSplits =
        std::any_of(topFolders.begin(), topFolders.end(),
                    [&](auto &f) { return splitLike(f) && roleOf(f) != kLeftOutRole; }) &&
        std::all_of(topFolders.begin(), topFolders.end(), splitLike);
    std::optional<fs::path> splits[3]; // train, val, test
    for (const fs::path &f : topFolders) {
        const std::string name = f.filename().string();
        const int role = roleOf(f);
        if (role < 0) continue;
        if (role == kLeftOutRole) {
            if (allSplits) data.folderLayout.leftOut.push_back(name);
            continue;
        }
        if (!allSplits) {
            if (name != "train" && name != "val" && name != "valid" && name != "test") continue;
            if (!splits[role]) splits[role] = unnested(f); // val/ before valid/ (name order)
            continue;
        }
        if (splits[role])
            throw Error("image folder " + data.path + " has two " +
                        (role == 0   ? "train"
                         : role == 1 ? "validation"
                                     : "test") +
                        " folders, " + splits[role]->filename().string() + " and " + name +
                        "; keep one");
        splits[role] = unnested(f);
    }
    if (allSplits && !splits[0])
        throw Error("image folder " + data.path + " has split folders (" +
                    topFolders.front().filename().string() +
                    ") but no train folder; expected train/ beside them (or class folders only)");
    bool splitLayout = splits[0].has_value();
    if (splitLayout && !allSplits) {
        listFolder(*splits[0], trainFolders, unused);
        splitLayout = !trainFolders.empty();
    }
    if (splitLayout) {
        for (int role = 0; role < 3; ++role) {
            if (!splits[role]) continue;
            data.folderLayout.splits[role] = fs::relative(*splits[role], data.path).string();
            const std::size_t before = files.size();
            listSplit(*splits[role], role, data.classNames, unlabelled, files);
            if (files.size() == before)
                throw Error("split folder " + splits[role]->string() +
                            " holds no images and no class folders (expected " + kImageKinds +
                            " files, in the same class folders as the train split's)");
        }
    } else {
        listSplit(top, 0, data.classNames, unlabelled, files);
    }
    if (unlabelled && !data.classNames.empty())
        throw Error("image folder " + data.path +
                    ": one split has class folders and another only images; use class folders "
                    "in every split");
    if (files.empty())
        throw Error("image folder " + data.path + " holds no images (expected " + kImageKinds +
                    " files, in one subfolder per class or directly inside)");
    // A validation folder without a test folder is the test split (ImageNet's
    // layout); without either, every fifth image of each class (name order).
    if (!unlabelled && splitLayout && splits[1] && !splits[2]) {
        for (ImageFile &f : files)
            if (f.split == 1) f.split = 2;
        data.testFromValidationFolder = true;
    }
    if (!unlabelled &&
        !std::any_of(files.begin(), files.end(), [](auto &f) { return f.split == 2; })) {
        std::map<int, int> seen;
        for (ImageFile &f : files)
            if (f.split == 0 && seen[f.label]++ % 5 == 4) f.split = 2;
        data.testCarved = true;
    }
    requireTextNames(data);
    decodeAll(files, options, data);
    if (data.train.empty() && data.test.empty() && data.val.empty())
        throw Error("image folder " + data.path + ": no image could be read (" +
                    std::to_string(data.skipped.size()) + " unreadable)");
    // Skipping unreadable files can empty a class: it could never be learnt,
    // and its test images would count as errors.
    std::vector<int> trainCounts(data.classNames.size(), 0);
    for (int l : data.train.labels())
        if (l >= 0) ++trainCounts[std::size_t(l)];
    for (std::size_t c = 0; c < trainCounts.size(); ++c)
        if (trainCounts[c] == 0)
            throw Error("image folder " + data.path + ": class \"" + data.classNames[c] +
                        "\" has no readable training image (all of its files were skipped as "
                        "unreadable); expected at least one per class");
}

std::string detectFormat(const std::string &dir)
{
    if (!firstExisting(dir, idxNames("train-images-idx3-ubyte")).empty()) return "idx";
    // CIFAR's binary version, or its Python version: the same names without .bin.
    for (const char *ext : {".bin", ""}) {
        if (isFile(dir + "/data_batch_1" + ext) || isFile(dir + "/test_batch" + ext))
            return "cifar10";
        if (isFile(dir + "/train" + ext) && isFile(dir + "/test" + ext)) return "cifar100";
    }
    return "folder";
}

} // namespace

DataSource parseDataSource(const std::string &source)
{
    if (source == "fashion-mnist") return {"idx", fashionMnistDir(), true};
    DataSource s;
    s.path = source;
    const auto colon = source.find(':');
    if (colon != std::string::npos) {
        const std::string prefix = source.substr(0, colon);
        if (prefix == "idx" || prefix == "cifar10" || prefix == "cifar100" || prefix == "folder") {
            s.format = prefix;
            s.path = source.substr(colon + 1);
        }
    }
    if (s.path.empty()) throw Error("dataset source '" + source + "' names no folder");
    // A shell leaves ~ alone after "cifar10:"; as it would have done it:
    const char *home = std::getenv("HOME");
    if (home && *home && (s.path == "~" || s.path.rfind("~/", 0) == 0))
        s.path = home + s.path.substr(1);
    return s;
}

std::string absoluteDataSource(const std::string &source)
{
    const DataSource s = parseDataSource(source);
    if (s.fashionMnist) return source;
    const std::string path = fs::absolute(s.path).lexically_normal().string();
    return s.format.empty() ? path : s.format + ":" + path;
}

bool isImageFolderSource(const std::string &source)
{
    const DataSource s = parseDataSource(source);
    if (s.fashionMnist) return false;
    return (s.format.empty() ? detectFormat(s.path) : s.format) == "folder";
}

int Dataset::channels() const
{
    return std::max({train.channels(), val.channels(), test.channels()});
}

int Dataset::minSide() const
{
    int lo = 0;
    for (const ImageStore *split : {&train, &val, &test})
        if (!split->empty()) lo = lo == 0 ? split->minSide() : std::min(lo, split->minSide());
    return lo;
}

int Dataset::maxSide() const
{
    return std::max({train.maxSide(), val.maxSide(), test.maxSide()});
}

Dataset openDataset(const std::string &source, const DatasetOptions &options)
{
    const DataSource s = parseDataSource(source);
    Dataset data;
    data.source = source;
    data.path = s.path;
    std::error_code ec;
    if (!fs::exists(s.path, ec))
        throw Error(s.fashionMnist ? "Fashion-MNIST is not installed at " + s.path +
                                         " (Debian package dataset-fashion-mnist)"
                                   : "dataset " + s.path + " does not exist");
    if (!isDir(s.path))
        throw Error("dataset " + s.path +
                    " is a file; expected a folder (class folders of images, CIFAR-10/100 batches "
                    "or IDX files)");
    data.format = s.format.empty() ? detectFormat(s.path) : s.format;
    if (data.format == "idx")
        readIdx(data, s.fashionMnist);
    else if (data.format == "cifar10" || data.format == "cifar100")
        readCifar(data, data.format == "cifar100");
    else
        readFolder(data, options);
    requireTextNames(data); // CIFAR's names files; a folder's were checked before decoding
    return data;
}

void requireProbeable(const Dataset &data, const std::string &user, bool needTest)
{
    if (!data.labelled())
        throw Error("dataset " + data.path +
                    " is an unlabelled image folder (images directly inside, no class folders); " +
                    user + " need one subfolder per class");
    if (data.classNames.size() < 2)
        throw Error("dataset " + data.path + " has one class ('" + data.classNames.front() +
                    "'); " + user + " need at least two");
    if (data.train.empty() || (needTest && data.test.empty()))
        throw Error("dataset " + data.path + " has no " +
                    (data.train.empty() ? "training" : "test") + " images; " + user +
                    (needTest ? " need both splits" : " need training images"));
}

std::string describe(const Dataset &data)
{
    std::ostringstream o;
    o << "dataset " << data.path << " (" << data.format << ")\n";
    const std::pair<const char *, const ImageStore *> splits[] = {
        {"train", &data.train}, {"val", &data.val}, {"test", &data.test}};
    for (const auto &[name, store] : splits) {
        if (store->empty()) continue;
        o << "  " << name << ": " << store->size() << " images";
        if (store == &data.test && data.testCarved)
            o << " (every fifth image of each class; no test/ folder)";
        if (store == &data.test && data.testFromValidationFolder)
            o << " (the validation folder, as there is no test folder)";
        if (store == &data.val && data.labelled()) o << " (the probes' validation part)";
        o << "\n";
    }
    const Dataset::FolderLayout &layout = data.folderLayout;
    if (!layout.top.empty()) o << "  read from: " << layout.top << " (the only folder inside)\n";
    const char *plain[] = {"train", "val", "test"};
    std::string folders;
    bool renamed = false;
    for (int role = 0; role < 3; ++role) {
        if (layout.splits[role].empty()) continue;
        folders += (folders.empty() ? "" : ", ") + std::string(plain[role]) + " " +
                   layout.splits[role] + "/";
        renamed = renamed || layout.splits[role] != plain[role];
    }
    if (renamed) o << "  split folders: " << folders << "\n";
    if (!layout.leftOut.empty()) {
        o << "  left out (unlabelled images to predict):";
        for (const std::string &f : layout.leftOut)
            o << " " << f << "/";
        o << "\n";
    }
    o << "  images: " << (data.channels() == 3 ? "RGB" : "grey") << ", sides " << data.minSide()
      << " to " << data.maxSide() << " pixels\n";
    if (data.downscaled > 0)
        o << "  " << data.downscaled << " images stored downscaled to a shorter side of "
          << data.downscaledTo << " pixels\n";
    if (!data.labelled()) {
        o << "  classes: none (unlabelled: training only, no probe)\n";
    } else {
        o << "  classes: " << data.classNames.size() << "\n";
        for (std::size_t c = 0; c < data.classNames.size(); ++c) {
            o << "    " << c << " " << data.classNames[c] << ":";
            for (const auto &[name, store] : splits) {
                if (store->empty()) continue;
                o << " " << name << " "
                  << std::count(store->labels().begin(), store->labels().end(), int(c));
            }
            o << "\n";
        }
    }
    if (!data.skipped.empty()) {
        o << "  unreadable files skipped: " << data.skipped.size() << "\n";
        for (const std::string &s : data.skipped)
            o << "    " << s << "\n";
    }
    return o.str();
}

SampleGrid sampleGrid(const Dataset &data, int perClass, int cell)
{
    const int rows = std::max<int>(1, int(data.classNames.size()));
    std::vector<std::int64_t> picks;
    std::vector<int> counts(std::size_t(rows), 0);
    std::vector<std::pair<int, int>> places; // (row, column) of each pick
    for (std::int64_t i = 0; i < data.train.size(); ++i) {
        const int row = std::max(0, data.train.labels()[std::size_t(i)]);
        if (row >= rows || counts[std::size_t(row)] >= perClass) continue;
        places.push_back({row, counts[std::size_t(row)]++});
        picks.push_back(i);
    }
    SampleGrid g;
    g.width = perClass * cell;
    g.height = rows * cell;
    g.rgb.assign(std::size_t(g.width) * g.height * 3, 0);
    if (picks.empty()) return g;
    const auto x = (shapeImages(data.train, picks, 3, cell) * 255)
                       .round()
                       .to(torch::kUInt8)
                       .permute({0, 2, 3, 1})
                       .contiguous(); // [N, cell, cell, 3]
    const std::uint8_t *p = x.data_ptr<std::uint8_t>();
    for (std::size_t k = 0; k < picks.size(); ++k) {
        const auto [row, col] = places[k];
        for (int y = 0; y < cell; ++y)
            std::copy_n(p + (k * cell + y) * cell * 3, cell * 3,
                        g.rgb.begin() + ((std::size_t(row) * cell + y) * g.width + col * cell) * 3);
    }
    return g;
}

} // namespace latent
