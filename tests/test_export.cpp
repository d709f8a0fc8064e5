// SPDX-License-Identifier: MIT
// The synthetic dataset export (core/data/datasetexport.h): layout, manifest,
// exact regeneration, resuming after a stop or a kill, refusals.
#include "atomicfile.h"
#include "data/datasetexport.h"
#include "denoiser.h"
#include "error.h"
#include "errorof.h"
#include "generators/generator.h"
#include "generators/sampling.h"
#include "runtime.h"
#include "train/runlock.h"
#include "views/viewrecipe.h"

#include <torch/torch.h>

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <unistd.h>

using namespace latent;
using latent::test::errorOf;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines(const std::string &path)
{
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// Every file under `dir` (relative path -> bytes), progress record aside.
std::map<std::string, std::string> tree(const std::string &dir)
{
    std::map<std::string, std::string> files;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename() != "progress.json")
            files[fs::relative(e.path(), dir).string()] = readAll(e.path().string());
    return files;
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        QVERIFY(m_dir.isValid());
        m_generator = Generator::load(LATENT_DEFAULT_GENERATOR);
    }

    // A folder per class named after it, one manifest row per image, and
    // every image made again bit for bit from its row.
    void pngFoldersManifestAndRegeneration()
    {
        const std::string dir = m_dir.filePath("png").toStdString();
        DatasetExportSettings s;
        s.anchors = 10, s.views = 2, s.chunk = 4;
        const ExportProgress p = exportDataset(*m_generator, ViewRecipe{}, s, dir);
        QCOMPARE(p.chunksDone, 3);
        QCOMPARE(p.imagesDone, 20);
        const auto rows = lines(dir + "/manifest.jsonl");
        QCOMPARE(int(rows.size()), 20);
        std::set<int> classes;
        for (int i = 0; i < 20; ++i) {
            const auto row = nlohmann::json::parse(rows[i]);
            QCOMPARE(row["index"].get<int>(), i);
            QCOMPARE(row["anchor"].get<int>(), i / 2);
            QCOMPARE(row["view"].get<int>(), i % 2);
            QCOMPARE(row["chunk"].get<int>(), i / 8);
            const int k = row["class"].get<int>();
            const std::string label = m_generator->info().classNames.at(k);
            QCOMPARE(row["label"].get<std::string>(), label);
            const std::string file = row["file"].get<std::string>();
            QVERIFY2(QString::fromStdString(file).startsWith(
                         QString("images/%1-").arg(k, 3, 10, QChar('0'))),
                     file.c_str());
            QVERIFY2(fs::file_size(dir + "/" + file) > 0, file.c_str());
            QCOMPARE(row["seed"].get<std::uint64_t>(), stepSeed(1, i / 8));
            QCOMPARE(row["recipe_sha256"].get<std::string>(), sha256OfBytes(toJson(ViewRecipe{})));
            QCOMPARE(row["generator_sha256"].get<std::string>(),
                     sha256OfFile(LATENT_DEFAULT_GENERATOR));
            QCOMPARE(row["latent"].get<std::string>(),
                     "latents/chunk-0000" + std::to_string(i / 8) + ".npy");
            classes.insert(k);
        }
        QVERIFY(classes.size() > 1);
        // The two views of an anchor share its class and differ.
        const auto first = nlohmann::json::parse(rows[0]), second = nlohmann::json::parse(rows[1]);
        QCOMPARE(first["class"], second["class"]);
        QVERIFY(readAll(dir + "/" + first["file"].get<std::string>()) !=
                readAll(dir + "/" + second["file"].get<std::string>()));
        for (const int row : {0, 7, 19}) {
            const RegeneratedImage r = regenerateExportedImage(dir, row, exportGeneratorPath(dir));
            QVERIFY2(r.identical, r.storedFile.c_str());
            QCOMPARE(r.image.count, 1);
        }
        // The export is complete: running it again writes nothing new.
        const auto before = tree(dir);
        QCOMPARE(exportDataset(*m_generator, ViewRecipe{}, s, dir).chunksDone, 3);
        QVERIFY(tree(dir) == before);
    }

    // An export stopped after its first chunk, then killed inside the
    // second (manifest lines written, progress not; a temporary left),
    // continues to exactly the files of an uninterrupted one.
    void stoppedExportContinuesToTheSameFiles()
    {
        DatasetExportSettings s;
        s.anchors = 9, s.views = 3, s.chunk = 4, s.format = "npy", s.seed = 7;
        const std::string whole = m_dir.filePath("whole").toStdString();
        exportDataset(*m_generator, ViewRecipe{}, s, whole);

        const std::string parts = m_dir.filePath("parts").toStdString();
        const ExportProgress stopped = exportDataset(*m_generator, ViewRecipe{}, s, parts,
                                                     [](const ExportProgress &) { return false; });
        QCOMPARE(stopped.chunksDone, 1);
        QCOMPARE(int(lines(parts + "/manifest.jsonl").size()), 12);
        appendToExistingFile(parts + "/manifest.jsonl", "{\"index\": 12, \"anch");
        std::ofstream(parts + "/shards/chunk-00001.npy.tmp999999") << "half";
        // Its recipe as a build before 2026-12 recorded it: floats as exact
        // doubles (0.4000000059604645, not 0.4) is still the same recipe.
        nlohmann::json settings = nlohmann::json::parse(readAll(parts + "/export.json"));
        int legacy = 0;
        const std::function<void(nlohmann::json &)> exactFloats = [&](nlohmann::json &j) {
            if (j.is_number_float() && double(float(j.get<double>())) != j.get<double>())
                j = double(float(j.get<double>())), ++legacy;
            for (auto &child : j)
                if (j.is_structured()) exactFloats(child);
        };
        exactFloats(settings["recipe"]);
        QVERIFY(legacy > 0);
        writeFileAtomically(parts + "/export.json", settings.dump(2));
        const ExportProgress resumed = exportDataset(*m_generator, ViewRecipe{}, s, parts);
        QVERIFY(resumed.resumed);
        QCOMPARE(resumed.chunksDone, 3);
        QCOMPARE(resumed.imagesDone, 27);
        auto continued = tree(parts), uninterrupted = tree(whole);
        QCOMPARE(continued.erase("export.json") + uninterrupted.erase("export.json"), 2u);
        QVERIFY(continued == uninterrupted); // the settings' own text aside

        // The shard is a NumPy array [anchors, views, H, W, C] of bytes.
        const std::string npy = readAll(whole + "/shards/chunk-00002.npy");
        QCOMPARE(npy.substr(0, 6), std::string("\x93NUMPY"));
        const std::size_t header = npy.find('\n') + 1;
        QCOMPARE(header % 64, std::size_t(0));
        QVERIFY2(npy.find("'shape': (1, 3, 32, 32, 1, )") != std::string::npos, npy.c_str());
        QCOMPARE(npy.size() - header, std::size_t(1 * 3 * 32 * 32));
        // Each view's latent, float32 [anchors, views, latent]: the Gaussian
        // views of an anchor start from different latents.
        const std::string latents = readAll(whole + "/latents/chunk-00000.npy");
        QVERIFY2(latents.find("'descr': '<f4', 'fortran_order': False, 'shape': (4, 3, 64, )") !=
                     std::string::npos,
                 latents.c_str());
        const std::size_t at = latents.find('\n') + 1;
        QCOMPARE(latents.size() - at, std::size_t(4 * 3 * 64 * sizeof(float)));
        std::vector<float> z(4 * 3 * 64);
        std::memcpy(z.data(), latents.data() + at, z.size() * sizeof(float));
        QVERIFY(!std::equal(z.begin(), z.begin() + 64, z.begin() + 64));
        QVERIFY(regenerateExportedImage(whole, 26, exportGeneratorPath(whole)).identical);
    }

    void refusals()
    {
        DatasetExportSettings s;
        s.anchors = 4, s.views = 2, s.chunk = 4;
        const std::string dir = m_dir.filePath("refusals").toStdString();
        exportDataset(*m_generator, ViewRecipe{}, s, dir);

        DatasetExportSettings other = s;
        other.views = 3;
        QString e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, other, dir); });
        QVERIFY2(e.contains("other settings") && e.contains("views is 2 there, 3 here"),
                 qPrintable(e));
        // Another thread count rounds some images differently: refused by
        // name, with the count to use (a folder from before it was recorded
        // continues).
        const int threads = torchThreads();
        torch::set_num_threads(threads + 1);
        e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, s, dir); });
        torch::set_num_threads(threads);
        QVERIFY2(e.contains(QString("was made with %1 threads and this process has %2; continue "
                                    "it with --threads %1")
                                .arg(threads)
                                .arg(threads + 1)),
                 qPrintable(e));
        ViewRecipe sharper;
        sharper.views.sigma = 0.3f;
        e = errorOf([&] { exportDataset(*m_generator, sharper, s, dir); });
        QVERIFY2(e.contains("recipe is another recipe there"), qPrintable(e));

        // A recipe that cannot render on this generator, a seed regenerate
        // could not read back, a chunk too large to hold: refused before
        // export.json, so the corrected export can use the folder.
        const std::string fresh = m_dir.filePath("fresh").toStdString();
        ViewRecipe renoised;
        renoised.views.renoise = 0.5f;
        e = errorOf([&] { exportDataset(*m_generator, renoised, s, fresh); });
        QVERIFY2(e.contains("views.renoise apply to diffusion generators"), qPrintable(e));
        DatasetExportSettings huge = s;
        huge.seed = (std::uint64_t(1) << 53) + 1;
        e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, huge, fresh); });
        QVERIFY2(e.contains("is above 2^53"), qPrintable(e));
        const auto large = Generator::load(
            latent::test::writeDenoiser(m_dir.path().toStdString(), 3, 256)); // 3x256x256
        huge = s;
        huge.chunk = 4096, huge.views = 2; // 6 GiB
        e = errorOf([&] { exportDataset(*large, ViewRecipe{}, huge, fresh); });
        QVERIFY2(e.contains("a chunk of 4096 anchors x 2 views of 3x256x256 images holds 6144 MiB "
                            "at once, more than 4096 MiB; lower the anchors per chunk (--chunk)"),
                 qPrintable(e));
        QVERIFY(!fs::exists(fresh + "/export.json"));
        // The studio exports the model it loaded: a generator file saved
        // over since is refused (export.json recorded the new file's hash).
        DatasetExportSettings loaded = s;
        loaded.loadedSha256 = std::string(64, '0');
        e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, loaded, fresh); });
        QVERIFY2(e.contains("changed on disk since it was loaded (SHA-256 ") &&
                     e.contains("..., loaded 000000000000...); open it again, then export"),
                 qPrintable(e));
        QVERIFY(!fs::exists(fresh + "/export.json"));
        loaded.loadedSha256 = sha256OfFile(m_generator->path());
        QCOMPARE(exportDataset(*m_generator, ViewRecipe{}, loaded, fresh).chunksDone, 1);

        const std::string foreign = m_dir.filePath("foreign").toStdString();
        fs::create_directories(foreign);
        std::ofstream(foreign + "/notes.txt") << "mine";
        e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, s, foreign); });
        QVERIFY2(e.contains("not empty and holds no export"), qPrintable(e));
        QCOMPARE(readAll(foreign + "/notes.txt"), std::string("mine"));
        QVERIFY(!fs::exists(foreign + "/.lock")); // refused before it was locked

        // One writer per folder: a second export (the studio's beside
        // latent-cli's) is refused while the first holds it.
        {
            const RunLock first = RunLock::acquire(dir, "export folder", "wait");
            e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, s, dir); });
            QVERIFY2(e.contains("export folder " + QString::fromStdString(dir) +
                                " is in use by process " + QString::number(::getpid()) +
                                "; wait for that export to end, or stop it"),
                     qPrintable(e));
        }
        // A creation killed after export.json (it used to write the manifest
        // first, and a kill between the two left a folder refused for good)
        // continues; a writer's temporary (even one whose pid is alive, as in
        // a container where every run is pid 1) is no one's file.
        const std::string killed = m_dir.filePath("killed").toStdString();
        fs::create_directories(killed);
        std::ofstream(killed + "/export.json.tmp" + std::to_string(::getpid())) << "{"; // alive
        exportDataset(*m_generator, ViewRecipe{}, s, killed, [](const ExportProgress &) {
            return false; // stop after the first chunk
        });
        fs::remove(killed + "/manifest.jsonl");
        fs::remove(killed + "/progress.json");
        QCOMPARE(exportDataset(*m_generator, ViewRecipe{}, s, killed).chunksDone, 1);

        e = errorOf([&] { regenerateExportedImage(dir, 8, exportGeneratorPath(dir)); });
        QVERIFY2(e.contains("has 8 rows; row 8 asked for"), qPrintable(e));
        const std::string copy = m_dir.filePath("changed.pt").toStdString();
        fs::copy_file(LATENT_DEFAULT_GENERATOR, copy);
        std::ofstream(copy, std::ios::app) << "x";
        e = errorOf([&] { regenerateExportedImage(dir, 0, copy); });
        QVERIFY2(e.contains("is not the one the export used"), qPrintable(e));

        // A manifest shorter than the progress record says was changed by hand.
        writeFileAtomically(dir + "/manifest.jsonl", "");
        e = errorOf([&] { exportDataset(*m_generator, ViewRecipe{}, s, dir); });
        QVERIFY2(e.contains("the folder was changed after the export wrote it"), qPrintable(e));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Generator> m_generator;
};

QTEST_GUILESS_MAIN(TestExport)
#include "test_export.moc"
