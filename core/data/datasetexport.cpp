// SPDX-License-Identifier: MIT
#include "data/datasetexport.h"

#include "atomicfile.h"
#include "error.h"
#include "generators/sampling.h"
#include "jsonfields.h"
#include "provenance.h"
#include "runtime.h"
#include "train/runlock.h"
#include "views/views.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/types.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

namespace latent {
namespace {

namespace fs = std::filesystem;
using json::Json;
constexpr int kSchemaVersion = 1;
constexpr std::size_t kMaxSettingsBytes = kMaxRecipeBytes + (16u << 20); // with the recipe

std::string classFolder(int index, const std::vector<std::string> &names)
{
    if (index < 0) return "unlabelled";
    std::string name = index < int(names.size()) ? names[index] : "";
    for (char &ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%03d", index);
    return name.empty() ? prefix : std::string(prefix) + "-" + name;
}

std::string imageFile(std::int64_t anchor, int view, const std::string &folder)
{
    char name[48];
    std::snprintf(name, sizeof name, "%07lld-%d.png", static_cast<long long>(anchor), view);
    return "images/" + folder + "/" + name;
}

// `folder` is "shards" (images) or "latents".
std::string chunkFile(const char *folder, int chunk)
{
    char name[40];
    std::snprintf(name, sizeof name, "%s/chunk-%05d.npy", folder, chunk);
    return name;
}

// NumPy's .npy format, version 1.0: magic, header length, a Python dict
// literal padded so the data starts on a 64-byte boundary, then the bytes.
// `descr` is NumPy's type code: '|u1' bytes, '<f4' little-endian float32.
std::string npyBytes(const char *descr, const std::vector<std::int64_t> &shape, const void *data,
                     std::size_t size)
{
    std::string dims;
    for (const auto d : shape)
        dims += std::to_string(d) + ", ";
    std::string header = std::string("{'descr': '") + descr +
                         "', 'fortran_order': False, 'shape': (" + dims + "), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    out += header;
    out.append(static_cast<const char *>(data), size);
    return out;
}

std::string pngBytes(const ImageBatch &images, int index, const std::string &file)
{
    const int type = images.channels == 3 ? CV_8UC3 : CV_8UC1;
    cv::Mat image(images.height, images.width, type,
                  const_cast<std::uint8_t *>(images.image(index)));
    if (images.channels == 3) cv::cvtColor(image, image, cv::COLOR_RGB2BGR);
    std::vector<std::uint8_t> png;
    if (!cv::imencode(".png", image, png)) throw Error("cannot encode " + file + " as PNG");
    return std::string(png.begin(), png.end());
}

// What identifies an export: resuming needs all of it equal.
Json settingsJson(const Generator &generator, const std::string &generatorSha256,
                  const ViewRecipe &recipe, const DatasetExportSettings &s)
{
    const GeneratorInfo &info = generator.info();
    Json classes = Json::array();
    for (int k = 0; k < info.numClasses; ++k)
        classes.push_back(k < int(info.classNames.size()) ? info.classNames[k] : std::to_string(k));
    return Json{
        {"schema", kSchemaVersion},
        {"format", s.format},
        {"anchors", s.anchors},
        {"views", s.views},
        {"chunk", s.chunk},
        {"seed", s.seed},
        // Other thread counts round some images differently: a resume or a
        // regeneration byte for byte needs this one.
        {"threads", torchThreads()},
        {"image",
         {{"channels", info.channels}, {"height", info.resolution}, {"width", info.resolution}}},
        {"classes", classes},
        {"generator",
         {{"file", fs::absolute(generator.path()).lexically_normal().string()},
          {"sha256", generatorSha256}}},
        {"recipe", Json::parse(toJson(recipe))}};
}

Json readJsonFile(const std::string &path, const std::string &what)
{
    return json::parse(readFileCapped(path, what + " " + path, kMaxSettingsBytes),
                       what + " " + path, kMaxSettingsBytes);
}

void checkSameExport(const Json &there, const Json &asked, const std::string &dir)
{
    for (const auto &[key, value] : asked.items()) {
        if (there.contains(key) && there[key] == value) continue;
        // A recipe recorded by an earlier build (its floats as exact doubles,
        // 0.4000000059604645) is compared as this build writes it.
        if (key == "recipe" && there.contains(key) && there[key].is_object() &&
            Json::parse(toJson(recipeFromJson(there[key].dump(), "export " + dir))) == value)
            continue;
        if (key == "threads") {
            if (!there.contains(key)) continue; // made before the count was kept
            throw Error("export folder " + dir + " was made with " + there[key].dump() +
                        " threads and this process has " + value.dump() +
                        "; continue it with --threads " + there[key].dump() +
                        " (the studio: OMP_NUM_THREADS=" + there[key].dump() +
                        "), since other thread counts round some images differently");
        }
        const std::string found = there.contains(key) ? there[key].dump() : "missing";
        const std::string wanted = key == "recipe" ? "the recipe asked for" : value.dump();
        throw Error("export folder " + dir + " holds an export with other settings: " + key +
                    " is " + (key == "recipe" ? "another recipe" : found) + " there, " + wanted +
                    " here; continue it with its own settings or choose another folder");
    }
}

struct Recorded
{
    int chunksDone = 0;
    std::uintmax_t manifestBytes = 0;
};

Recorded readProgress(const ExportFolder &f)
{
    if (!fs::exists(f.progress())) return {};
    const Json j = readJsonFile(f.progress(), "export progress");
    const json::Object o(j, "export progress " + f.progress(), "");
    o.allowOnly({"chunks_done", "manifest_bytes"});
    return {int(o.integer("chunks_done", 0, 1 << 30)),
            std::uintmax_t(o.integer("manifest_bytes", 0, 1ll << 50))};
}

// NAME.tmpPID, writeFileAtomically's temporary: no export's file, whether
// or not its process is alive (in a container every run may be pid 1).
bool isTemporaryName(const fs::path &name)
{
    const std::string text = name.string();
    const auto at = text.rfind(".tmp");
    return at != std::string::npos && at + 4 < text.size() &&
           std::all_of(text.begin() + std::ptrdiff_t(at + 4), text.end(),
                       [](unsigned char c) { return std::isdigit(c); });
}

// A folder that is neither empty nor an export is someone else's. The lock
// (.lock) and writers' temporaries do not count.
void refuseForeignFolder(const ExportFolder &f)
{
    std::error_code ec;
    if (fs::exists(f.settings()) || !fs::is_directory(f.dir, ec)) return;
    removeStaleTemporaries(f.dir);
    for (const auto &entry : fs::directory_iterator(f.dir, ec))
        if (entry.path().filename() != ".lock" && !isTemporaryName(entry.path().filename()))
            throw Error("export folder " + f.dir + " is not empty and holds no export (no " +
                        "export.json, but " + entry.path().filename().string() +
                        "); choose an empty or new folder");
}

// Opens (or starts) the export in `dir`: returns the chunks already done,
// the manifest cut back to what the progress record vouches for.
Recorded openExport(const ExportFolder &f, const Json &settings)
{
    if (fs::exists(f.settings())) {
        checkSameExport(readJsonFile(f.settings(), "export settings"), settings, f.dir);
    } else {
        refuseForeignFolder(f); // again, under the lock
        // export.json first: the folder is an export from then on, and a
        // kill before the manifest leaves one that continues.
        writeFileAtomically(f.settings(), settings.dump(2) + "\n");
    }
    const Recorded done = readProgress(f);
    if (!fs::exists(f.manifest())) writeFileAtomically(f.manifest(), "");
    const auto size = fs::file_size(f.manifest());
    if (size < done.manifestBytes)
        throw Error(f.manifest() + " holds " + std::to_string(size) + " bytes but " + f.progress() +
                    " records " + std::to_string(done.manifestBytes) +
                    ": the folder was changed after the export wrote it; start a new export");
    // Lines of a chunk whose progress was never recorded: that chunk is redone.
    if (size > done.manifestBytes) fs::resize_file(f.manifest(), done.manifestBytes);
    for (const char *sub : {"", "/images", "/shards", "/latents"})
        if (fs::is_directory(f.dir + sub)) removeStaleTemporaries(f.dir + sub);
    if (fs::is_directory(f.dir + "/images"))
        for (const auto &entry : fs::directory_iterator(f.dir + "/images"))
            if (entry.is_directory()) removeStaleTemporaries(entry.path().string());
    return done;
}

void checkSettings(const DatasetExportSettings &s)
{
    if (s.anchors < 1) throw Error("an export needs at least one anchor");
    if (s.views < 1 || s.views > 64) throw Error("views per anchor must be 1-64");
    if (s.chunk < 1 || s.chunk > 4096) throw Error("anchors per chunk must be 1-4096");
    if (s.format != "png" && s.format != "npy")
        throw Error("export format '" + s.format + "' is not png or npy");
    if (s.seed > (std::uint64_t(1) << 53)) // as training's: regenerate reads it back
        throw Error("export seed " + std::to_string(s.seed) +
                    " is above 2^53 (9007199254740992), the largest seed a run or export keeps");
}

struct Chunk
{
    ImageBatch images;  // rows * views images, each with its anchor's class
    at::Tensor latents; // [rows, views, latent] float32, what each view was generated from
};

Chunk renderChunk(const Generator &generator, const ViewRecipe &recipe, int chunkSize, int views,
                  std::uint64_t seed, int chunk, int rows)
{
    torch::Tensor classes, latents;
    const auto all =
        generateViews(generator, recipe, chunkSize, views, stepSeed(seed, chunk), ViewMode::Both,
                      &classes, nullptr, {}, &latents); // [K, V, C, H, W] in [0, 1]
    Chunk out;
    out.images = toImageBatch(all.slice(0, 0, rows).flatten(0, 1));
    out.latents = latents.slice(0, 0, rows).to(torch::kCPU, torch::kFloat32).contiguous();
    const auto cls = classes.to(torch::kCPU, torch::kInt64).contiguous();
    for (int i = 0; i < out.images.count; ++i)
        out.images.classes[i] = int(cls[i / views].item<int64_t>());
    return out;
}

// Writes chunk c's files (PNG images or an image shard, and its latents)
// and returns its manifest rows.
struct ChunkWriter
{
    std::string dir;
    DatasetExportSettings settings;
    std::vector<std::string> names; // the generator's class names
    std::string recipeSha, generatorSha;

    std::string write(const Chunk &chunk, int c) const
    {
        const ImageBatch &images = chunk.images;
        const int views = settings.views;
        std::string lines;
        for (int i = 0; i < images.count; ++i) {
            const int r = i / views, v = i % views, k = images.classes[i];
            const std::int64_t anchor = std::int64_t(c) * settings.chunk + r;
            std::string file = chunkFile("shards", c);
            if (settings.format == "png") {
                file = imageFile(anchor, v, classFolder(k, names));
                fs::create_directories((fs::path(dir) / file).parent_path());
                writeFileAtomicallyUnsynced(dir + "/" + file, pngBytes(images, i, file));
            }
            Json row{{"index", anchor * views + v},
                     {"anchor", anchor},
                     {"view", v},
                     {"class", k},
                     {"chunk", c},
                     {"row", r},
                     {"file", file},
                     {"latent", chunkFile("latents", c)},
                     {"seed", stepSeed(settings.seed, c)},
                     {"recipe_sha256", recipeSha},
                     {"generator_sha256", generatorSha}};
            row["label"] = k >= 0 && k < int(names.size()) ? Json(names[k]) : Json(nullptr);
            lines += row.dump() + "\n";
        }
        const int rows = images.count / views;
        if (settings.format == "npy") {
            fs::create_directories(fs::path(dir) / "shards");
            writeFileAtomicallyUnsynced(
                dir + "/" + chunkFile("shards", c),
                npyBytes("|u1", {rows, views, images.height, images.width, images.channels},
                         images.pixels.data(), images.pixels.size()));
        }
        fs::create_directories(fs::path(dir) / "latents");
        writeFileAtomicallyUnsynced(dir + "/" + chunkFile("latents", c),
                                    npyBytes("<f4", {rows, views, chunk.latents.size(2)},
                                             chunk.latents.data_ptr<float>(),
                                             std::size_t(chunk.latents.numel()) * sizeof(float)));
        return lines;
    }
};

} // namespace

ExportProgress exportDataset(const Generator &generator, const ViewRecipe &recipe,
                             const DatasetExportSettings &s, const std::string &dir,
                             const std::function<bool(const ExportProgress &)> &progress)
{
    checkSettings(s);
    // Before export.json: a folder created for a recipe that cannot render
    // would refuse the corrected recipe as "another export".
    checkRecipeFits(recipe, generator, "recipe " + recipe.name);
    const GeneratorInfo &info = generator.info();
    const double chunkBytes = double(s.chunk) * s.views * info.channels * info.resolution *
                              info.resolution * sizeof(float);
    constexpr double kMaxChunkBytes = 4.0 * (1 << 30);
    if (chunkBytes > kMaxChunkBytes)
        throw Error("a chunk of " + std::to_string(s.chunk) + " anchors x " +
                    std::to_string(s.views) + " views of " + std::to_string(info.channels) + "x" +
                    std::to_string(info.resolution) + "x" + std::to_string(info.resolution) +
                    " images holds " + std::to_string(std::int64_t(chunkBytes / (1 << 20))) +
                    " MiB at once, more than 4096 MiB; lower the anchors per chunk (--chunk)");
    // Hashed once: the export records what renders it.
    const std::string generatorSha256 = sha256OfFile(generator.path());
    if (!s.loadedSha256.empty() && generatorSha256 != s.loadedSha256)
        throw Error("generator " + generator.path() +
                    " changed on disk since it was loaded (SHA-256 " +
                    generatorSha256.substr(0, 12) + "..., loaded " + s.loadedSha256.substr(0, 12) +
                    "...); open it again, then export");
    const ExportFolder f{dir};
    refuseForeignFolder(f); // before the lock leaves a .lock in it
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create export folder " + dir + ": " + ec.message());
    // One writer per folder: two (the studio and latent-cli) would render
    // the same chunks and append them twice to one manifest.
    const RunLock lock =
        RunLock::acquire(dir, "export folder", "wait for that export to end, or stop it");
    const Recorded done = openExport(f, settingsJson(generator, generatorSha256, recipe, s));

    ExportProgress p;
    p.chunksTotal = (s.anchors + s.chunk - 1) / s.chunk;
    p.chunksDone = std::min(done.chunksDone, p.chunksTotal);
    p.imagesTotal = std::int64_t(s.anchors) * s.views;
    p.imagesDone =
        std::min<std::int64_t>(std::int64_t(p.chunksDone) * s.chunk, s.anchors) * s.views;
    p.resumed = p.chunksDone > 0;
    std::uintmax_t manifestBytes = done.manifestBytes;
    const ChunkWriter writer{dir, s, generator.info().classNames, sha256OfBytes(toJson(recipe)),
                             generatorSha256};
    while (p.chunksDone < p.chunksTotal) {
        const int c = p.chunksDone;
        const int rows = std::min(s.chunk, s.anchors - c * s.chunk);
        const Chunk chunk = renderChunk(generator, recipe, s.chunk, s.views, s.seed, c, rows);
        const std::string lines = writer.write(chunk, c);
        appendToExistingFile(f.manifest(), lines);
        manifestBytes += lines.size();
        // The chunk's files and rows reach the disk before the record that
        // vouches for them: one flush per chunk, not one per image.
        syncFileSystem(dir);
        writeFileAtomically(f.progress(),
                            Json{{"chunks_done", c + 1}, {"manifest_bytes", manifestBytes}}.dump() +
                                "\n");
        ++p.chunksDone;
        p.imagesDone += std::int64_t(chunk.images.count);
        if (progress && !progress(p)) break;
    }
    return p;
}

std::string exportGeneratorPath(const std::string &dir)
{
    const ExportFolder f{dir};
    const Json settings = readJsonFile(f.settings(), "export settings");
    const json::Object o(settings, "export settings " + f.settings(), "");
    return o.object("generator").string("file");
}

RegeneratedImage regenerateExportedImage(const std::string &dir, std::int64_t row,
                                         const std::string &generatorPath,
                                         const std::string &deviceSetting)
{
    const ExportFolder f{dir};
    const Json settings = readJsonFile(f.settings(), "export settings");
    const std::string what = "export settings " + f.settings();
    const json::Object o(settings, what, "");
    const auto views = int(o.integer("views", 1, 64));
    const auto chunkSize = int(o.integer("chunk", 1, 4096));
    const auto seed = std::uint64_t(o.integer("seed", 0, std::numeric_limits<long long>::max()));
    const std::string format = o.string("format", {"png", "npy"});
    const std::string sha = o.object("generator").string("sha256");
    const int threads = settings.contains("threads") ? int(o.integer("threads", 1, 4096)) : 0;

    std::ifstream manifest(f.manifest());
    if (!manifest) throw Error("cannot read " + f.manifest());
    std::string line;
    for (std::int64_t i = 0; i <= row; ++i)
        if (!std::getline(manifest, line))
            throw Error(f.manifest() + " has " + std::to_string(i) + " rows; row " +
                        std::to_string(row) + " asked for");
    const std::string rowWhat = f.manifest() + " row " + std::to_string(row);
    const Json entry = json::parse(line, rowWhat, 1 << 16);
    const json::Object e(entry, rowWhat, "");
    const auto chunk = int(e.integer("chunk", 0, 1 << 30));
    const auto r = int(e.integer("row", 0, chunkSize - 1));
    const auto v = int(e.integer("view", 0, views - 1));
    const std::string file = e.string("file");

    if (const std::string found = sha256OfFile(generatorPath); found != sha)
        throw Error("generator " + generatorPath + " is not the one the export used (SHA-256 " +
                    found + ", the export recorded " + sha + ")");
    const auto generator = Generator::load(generatorPath, deviceSetting);
    const ViewRecipe recipe = recipeFromJson(o.raw("recipe").dump(), what);
    const ImageBatch chunkImages =
        renderChunk(*generator, recipe, chunkSize, views, seed, chunk, r + 1).images;

    RegeneratedImage out;
    out.image = chunkImages.slice(r * views + v, 1);
    out.storedFile = dir + "/" + file;
    std::vector<std::uint8_t> stored;
    if (format == "png") {
        const std::string bytes = readFileCapped(out.storedFile, "exported image", 64u << 20);
        cv::Mat image = cv::imdecode(std::vector<std::uint8_t>(bytes.begin(), bytes.end()),
                                     cv::IMREAD_UNCHANGED);
        if (image.empty()) throw Error("cannot decode " + out.storedFile + " as PNG");
        if (image.channels() == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
        stored.assign(image.data, image.data + image.total() * image.elemSize());
    } else {
        const std::string bytes =
            readFileCapped(out.storedFile, "exported shard", std::size_t(1) << 34);
        const std::size_t headerEnd = bytes.find('\n');
        const std::size_t imageBytes = out.image.imageBytes();
        const std::size_t at = headerEnd + 1 + (std::size_t(r) * views + v) * imageBytes;
        if (headerEnd == std::string::npos || at + imageBytes > bytes.size())
            throw Error(out.storedFile + " is shorter than its manifest rows need");
        stored.assign(bytes.begin() + std::ptrdiff_t(at),
                      bytes.begin() + std::ptrdiff_t(at + imageBytes));
    }
    out.identical = stored == out.image.pixels;
    out.exportThreads = threads;
    return out;
}

} // namespace latent
