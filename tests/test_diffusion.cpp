// SPDX-License-Identifier: MIT
// Diffusion generators (sidecar schema 2, core/generators/diffusion.h): the DDIM sampler
// against a Python reference of the same sampler on a tiny denoiser that
// tests/diffusion_fixture.py builds, determinism, views and training on it,
// and refusals.
#include "denoiser.h"
#include "error.h"
#include "errorof.h"
#include "generators/anchorpool.h"
#include "generators/diffusion.h"
#include "generators/generator.h"
#include "generators/generatorinfo.h"
#include "runtime.h"
#include "smalldataset.h"
#include "train/batchsource.h"
#include "train/replay.h"
#include "train/trainer.h"
#include "views/directions.h"
#include "views/viewrecipe.h"
#include "views/views.h"

#include <torch/types.h>

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

using namespace latent;
using latent::test::errorOf;

namespace {

std::vector<float> readFloats(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    std::vector<float> out(bytes.size() / sizeof(float));
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
    return out;
}

} // namespace

class TestDiffusion : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const std::string &name) const
    {
        return m_dir.filePath(QString::fromStdString(name)).toStdString();
    }
    torch::Tensor referenceNoise() const // x_T [4, 64]
    {
        const auto x = readFloats(path("xT.bin"));
        return torch::tensor(x).view({4, 64});
    }
    static torch::Tensor classes() { return torch::tensor({0, 1, 2, 0}, torch::kInt64); }

    // A sidecar for tiny-eps.pt with `edit` applied to its JSON text.
    std::string sidecarWith(const std::string &name, const std::string &from,
                            const std::string &to) const
    {
        std::ifstream in(path("tiny-eps.json"));
        std::string text((std::istreambuf_iterator<char>(in)), {});
        const auto at = text.find(from);
        if (at == std::string::npos) throw std::runtime_error("fixture lacks " + from);
        text.replace(at, from.size(), to);
        QFile::copy(QString::fromStdString(path("tiny-eps.pt")),
                    QString::fromStdString(path(name + ".pt")));
        std::ofstream(path(name + ".json")) << text;
        return path(name + ".pt");
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        QVERIFY(m_dir.isValid());
        QProcess python;
        python.start(LATENT_PYTHON3,
                     {LATENT_TEST_SOURCE_DIR "/diffusion_fixture.py", m_dir.path()});
        QVERIFY(python.waitForFinished(120000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    }

    // The sidecar's prediction, steps and guidance; x_0 within 1e-4 of the
    // Python sampler for eps (with guidance), v and x0 predictions.
    void ddimMatchesThePythonReference_data()
    {
        QTest::addColumn<QString>("variant");
        for (const char *v : {"eps", "v", "x0"})
            QTest::newRow(v) << v;
    }
    void ddimMatchesThePythonReference()
    {
        QFETCH(QString, variant);
        const auto g = Generator::load(path("tiny-" + variant.toStdString() + ".pt"));
        QVERIFY(g->info().isDiffusion());
        QCOMPARE(g->info().latentSize, 64);
        const auto out = g->generate(referenceNoise(), classes()); // [4, 1, 8, 8]
        const auto ref = torch::tensor(readFloats(path("ref-" + variant.toStdString() + ".bin")))
                             .view({4, 1, 8, 8});
        const double diff = (out - ref).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QString("max difference %1").arg(diff)));
        QVERIFY(ref.abs().max().item<double>() > 0.05); // not trivially zero
    }

    // Same latent, class and settings: the same image bit for bit, alone or
    // in a batch; eta > 0 is seeded by each latent; other settings differ.
    // An abandoned generator (a closing window's) refuses every model call,
    // re-noised views included, with Cancelled: its queued work ends.
    void abandonedGeneratorRefusesBatches()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        const auto z = referenceNoise(), y = classes();
        const auto images = g->generate(z, y);
        g->abandon();
        QVERIFY_THROWS_EXCEPTION(Cancelled, g->generate(z, y));
        QVERIFY_THROWS_EXCEPTION(Cancelled,
                                 g->renoiseOnDevice(images, y, torch::randn_like(images), 0.5f));
    }

    void samplingIsDeterministic()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        const auto z = referenceNoise(), y = classes();
        const auto a = g->generate(z, y), b = g->generate(z, y);
        QVERIFY(torch::equal(a, b));
        QVERIFY(torch::equal(g->generate(z.slice(0, 1, 2), y.slice(0, 1, 2)), a.slice(0, 1, 2)));
        SamplerSettings s = g->samplerSettings();
        QCOMPARE(s.steps, 5);
        s.eta = 0.5f;
        g->setSamplerSettings(s);
        const auto c = g->generate(z, y);
        QVERIFY(!torch::equal(c, a));
        QVERIFY(torch::equal(g->generate(z, y), c));
        QVERIFY(torch::equal(g->generate(z.slice(0, 2, 3), y.slice(0, 2, 3)), c.slice(0, 2, 3)));
        s.eta = 0;
        s.steps = 10;
        g->setSamplerSettings(s);
        QVERIFY(!torch::equal(g->generate(z, y), a));
        SampleRequest r;
        r.count = 6;
        r.seed = 3;
        const ImageBatch first = g->sample(r), second = g->sample(r);
        QVERIFY(first.pixels == second.pixels);
        QCOMPARE(first.height, 8);

        // On the CPU, sub-batches of 16 run side by side on the calling
        // thread's threads: 40 images (3 sub-batches, the last short) on two
        // threads are the images of one thread bit for bit, in order.
        const auto zs = torch::randn({40, g->info().latentSize});
        const auto ys = torch::arange(40) % g->info().numClasses;
        const int before = torchThreads();
        // Re-noised views likewise (the trainer's batch thread takes every
        // core for a diffusion generator and records how many).
        c10::InferenceMode inference;
        const auto noise = torch::randn_like(g->generate(zs, ys));
        const auto renoised = [&](int threads, int64_t first, int64_t last) {
            setThreadTorchThreads(threads);
            const auto x0 = g->generate(zs.slice(0, first, last), ys.slice(0, first, last));
            return g->renoiseOnDevice(x0, ys.slice(0, first, last), noise.slice(0, first, last),
                                      0.5f, nullptr);
        };
        setThreadTorchThreads(2);
        const auto two = g->generate(zs, ys);
        const auto renoisedTwo = renoised(2, 0, 40);
        setThreadTorchThreads(1);
        const auto one = g->generate(zs, ys);
        const auto renoisedOne = renoised(1, 0, 40);
        setThreadTorchThreads(before);
        QVERIFY(torch::equal(one, two));
        QVERIFY(torch::equal(g->generate(zs.slice(0, 32, 40), ys.slice(0, 32, 40)),
                             two.slice(0, 32, 40)));
        QVERIFY(!torch::equal(renoisedOne, one));
        QVERIFY(torch::equal(renoisedOne, renoisedTwo));
        QVERIFY(torch::equal(renoised(2, 32, 40), renoisedTwo.slice(0, 32, 40)));
        setThreadTorchThreads(before);
    }

    void samplerSettingsRefused()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        SamplerSettings s = g->samplerSettings();
        s.steps = 51;
        QVERIFY(errorOf([&] {
                    g->setSamplerSettings(s);
                }).contains("51 steps, expected 1 to the model's 50 timesteps"));
        s.steps = 5;
        s.eta = 2;
        QVERIFY(errorOf([&] { g->setSamplerSettings(s); }).contains("eta 2"));
    }

    // A settings change while a batch samples takes effect for the next batch
    // without waiting for this one, as do reads of the weights (the studio changes them on the UI
    // thread; they shared the sampling's lock, and a 256-px model froze the window for the whole
    // batch).
    void settingsChangeDoesNotWaitForSampling()
    {
        const auto g = Generator::load(test::writeDenoiser(m_dir.path().toStdString(), 3, 96, 16));
        SamplerSettings s = g->samplerSettings();
        s.steps = 50; // about a second here: far longer than the change takes
        g->setSamplerSettings(s);
        std::atomic<bool> sampling{false}, finished{false};
        auto batch = std::async(std::launch::async, [&] {
            sampling = true;
            g->generate(torch::randn({8, g->info().latentSize}), {});
            finished = true;
        });
        while (!sampling)
            std::this_thread::yield();
        QTest::qSleep(100); // inside the sampler by now
        s.steps = 10;
        g->setSamplerSettings(s);
        QCOMPARE(g->samplerSettings().steps, 10);
        // The weights' shapes and a copy of one (SeFa's candidates and its
        // weight, read on the UI thread at a generator switch) do not wait either.
        QCOMPARE(g->parameterShapes().front().name, std::string("w1"));
        QCOMPARE(g->parameter("w1").sizes(), (c10::IntArrayRef{16, 3, 3, 3}));
        QVERIFY2(!finished, "the settings change waited for the batch to end");
        batch.get();
    }

    // Latent-based views work on x_T; SeFa is refused with its reason.
    void viewsOnTheStartingNoise()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        ViewRecipe r;
        r.views.perAnchor = 3;
        r.views.sigma = 0.5f;
        torch::Tensor cls;
        const auto views = generateViews(*g, r, 5, 3, 7, ViewMode::Both, &cls);
        QCOMPARE(views.sizes().vec(), (std::vector<int64_t>{5, 3, 1, 8, 8}));
        QVERIFY(torch::isfinite(views).all().item<bool>());
        QVERIFY(errorOf([&] { sefaDirections(*g, 4); }).contains("is a diffusion model"));
    }

    // Variance-preserving Gaussian views keep x_T at unit variance, where
    // adding the noise inflates it; the generator's default recipe uses them.
    void varianceKeepingNeighbours()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        ViewRecipe r = defaultRecipeFor(g->info());
        QVERIFY(r.views.preserveVariance);
        QCOMPARE(r.anchors.truncation, 0.0f);
        QVERIFY(!defaultRecipeFor(Generator::load(LATENT_DEFAULT_GENERATOR)->info())
                     .views.preserveVariance);
        r.views.sigma = 0.8f;
        torch::Tensor kept, added;
        generateViews(*g, r, 256, 2, 3, ViewMode::LatentOnly, nullptr, nullptr, {}, &kept);
        r.views.preserveVariance = false;
        generateViews(*g, r, 256, 2, 3, ViewMode::LatentOnly, nullptr, nullptr, {}, &added);
        const double sdKept = kept.std().item<double>(), sdAdded = added.std().item<double>();
        QVERIFY2(std::abs(sdKept - 1) < 0.02 && sdAdded > 1.15,
                 qPrintable(QString("%1 %2").arg(sdKept).arg(sdAdded)));
        // Written only when on; sigma above 1 is refused with it.
        r.views.preserveVariance = true;
        std::string text = toJson(r);
        QVERIFY(recipeFromJson(text, "v.json").views.preserveVariance);
        text.replace(text.find("\"sigma\": 0.8"), 12, "\"sigma\": 1.5");
        const QString e = errorOf([&] { recipeFromJson(text, "v.json"); });
        QVERIFY2(e.contains("field 'views.gaussian.sigma' is 1.5, expected a number in [0, 1]"),
                 qPrintable(e));
        r.views.sigma = 1.5f;
        QVERIFY(errorOf([&] {
                    generateViews(*g, r, 2, 2, 3);
                }).contains("expected at most 1 with preserve_variance"));
    }

    // A recipe's sampler settings make its views (training, export and replay
    // go through the same call), round-trip through JSON, and are refused
    // when the model cannot take them or the generator is a GAN.
    void recipeSamplerMakesTheViews()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        ViewRecipe r;
        r.views.sigma = 0.3f;
        const auto byDefault = generateViews(*g, r, 3, 2, 5, ViewMode::LatentOnly);
        r.hasSampler = true;
        r.sampler = {10, 1.0f, 0.0f};
        const auto tenSteps = generateViews(*g, r, 3, 2, 5, ViewMode::LatentOnly);
        QVERIFY(!torch::equal(byDefault, tenSteps));
        g->setSamplerSettings({10, 1.0f, 0.0f});
        r.hasSampler = false;
        QVERIFY(torch::equal(generateViews(*g, r, 3, 2, 5, ViewMode::LatentOnly), tenSteps));

        r.hasSampler = true;
        r.sampler = {7, 1.5f, 0.25f};
        const ViewRecipe back = recipeFromJson(toJson(r), "round trip");
        QVERIFY(back.hasSampler);
        QCOMPARE(back.sampler.steps, 7);
        QCOMPARE(back.sampler.guidance, 1.5f);
        QCOMPARE(back.sampler.eta, 0.25f);

        r.name = "too many";
        r.sampler.steps = 60;
        QCOMPARE(errorOf([&] { generateViews(*g, r, 1, 2, 5); }),
                 QString("recipe too many: generator.sampler: diffusion sampler: 60 steps, "
                         "expected 1 to the model's 50 timesteps"));
        const auto gan = Generator::load(LATENT_DEFAULT_GENERATOR);
        r.sampler.steps = 5;
        QVERIFY(errorOf([&] { generateViews(*gan, r, 1, 2, 5); }).contains("which is a GAN"));
    }

    // Re-noised views (SDEdit): each view of an anchor noised to the
    // strength and denoised with its own noise; deterministic, the same rows
    // whatever slice of the batch is made, and refused for a GAN.
    void renoisedViews()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        ViewRecipe r;
        r.views.gaussian = false; // every view's latent is its anchor's
        const auto same = generateViews(*g, r, 3, 2, 9, ViewMode::LatentOnly);
        QVERIFY(torch::equal(same.select(1, 0), same.select(1, 1)));
        r.views.renoise = 0.5f;
        const auto views = generateViews(*g, r, 3, 2, 9, ViewMode::LatentOnly);
        QVERIFY(!torch::equal(views.select(1, 0), views.select(1, 1)));
        QVERIFY(!torch::equal(views.select(1, 0), same.select(1, 0)));
        QVERIFY(torch::equal(generateViews(*g, r, 3, 2, 9, ViewMode::LatentOnly), views));
        const auto rows = generateViews(*g, r, 2, 2, 9, ViewMode::LatentOnly, nullptr, nullptr,
                                        SampleSlice{1, 3});
        QVERIFY(torch::allclose(rows, views.slice(0, 1, 3), 1e-5, 1e-6));
        // A little noise stays closer to the anchor than a lot.
        r.views.renoise = 0.1f;
        const auto near = generateViews(*g, r, 3, 2, 9, ViewMode::LatentOnly);
        r.views.renoise = 1.0f;
        const auto far = generateViews(*g, r, 3, 2, 9, ViewMode::LatentOnly);
        const auto distance = [&](const torch::Tensor &v) {
            return (v - same).abs().mean().item<double>();
        };
        QVERIFY2(distance(near) < distance(far),
                 qPrintable(QString("%1 vs %2").arg(distance(near)).arg(distance(far))));
        QCOMPARE(recipeFromJson(toJson(r), "round trip").views.renoise, 1.0f);
        const auto gan = Generator::load(LATENT_DEFAULT_GENERATOR);
        QVERIFY(errorOf([&] {
                    generateViews(*gan, r, 1, 2, 5);
                }).contains("re-noised views need a diffusion generator"));
        // A run is refused at creation, not at its first batch.
        TrainConfig c;
        c.generator = LATENT_DEFAULT_GENERATOR;
        const QString e = errorOf([&] { batchShape(c, r, gan.get(), nullptr, "recipe r.json"); });
        QVERIFY2(e.contains("recipe r.json: generator.sampler and views.renoise apply to "
                            "diffusion generators"),
                 qPrintable(e));
    }

    // The anchor pool: a step's anchors come from its window of the run's
    // anchor sequence, each rendered once while in the window; the draws are
    // the same whatever the pool rendered before (a replay's fresh pool) and
    // whatever slice of the batch a rank makes.
    void anchorPool()
    {
        const auto g = Generator::load(path("tiny-eps.pt"));
        ViewRecipe r;
        r.views.gaussian = false;
        r.anchors.poolSize = 4;
        r.anchors.poolRefresh = 0;
        AnchorPool pool(*g, r, 7);
        const Anchors a = pool.draw(1, stepSeed(7, 1), {}, 16);
        QCOMPARE(a.images.size(0), 16);
        QVERIFY(pool.imagesRendered() <= 4);
        QVERIFY(torch::allclose(a.images, g->generate(a.z, a.y), 1e-5, 1e-6));
        pool.draw(2, stepSeed(7, 2), {}, 16);
        QVERIFY2(pool.imagesRendered() <= 4, "a fixed pool renders each anchor once");
        QCOMPARE(std::get<0>(torch::_unique(a.z.select(1, 0))).size(0) <= 4, true);

        // Refreshed: disjoint windows share no anchor; a fresh pool draws the
        // same anchors and images for step 3 as one that made steps 1 and 2.
        r.anchors.poolRefresh = 4;
        AnchorPool moving(*g, r, 7);
        const Anchors s1 = moving.draw(1, stepSeed(7, 1), {}, 6);
        moving.draw(2, stepSeed(7, 2), {}, 6);
        const Anchors s3 = moving.draw(3, stepSeed(7, 3), {}, 6);
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j)
                QVERIFY(!torch::equal(s1.z[i], s3.z[j]));
        AnchorPool fresh(*g, r, 7);
        const Anchors again = fresh.draw(3, stepSeed(7, 3), {}, 6);
        QVERIFY(torch::equal(again.z, s3.z));
        QVERIFY(torch::equal(again.images, s3.images));
        const Anchors rows = AnchorPool(*g, r, 7).draw(3, stepSeed(7, 3), SampleSlice{2, 6}, 4);
        QVERIFY(torch::equal(rows.z, s3.z.slice(0, 2, 6)));
        QVERIFY(torch::equal(rows.images, s3.images.slice(0, 2, 6)));
        // Overlapping windows (each anchor rendered when first drawn, the
        // window sliding by less than its size): a fresh pool (a replay, a
        // resume) renders step 5's anchors to the same bits. Rendered with
        // whichever anchors a step drew, they differed in their last bits.
        ViewRecipe overlapping = r;
        overlapping.anchors.poolSize = 32;
        overlapping.anchors.poolRefresh = 3;
        AnchorPool sliding(*g, overlapping, 7);
        Anchors s5;
        for (int step = 1; step <= 5; ++step)
            s5 = sliding.draw(step, stepSeed(7, step), {}, 5);
        const Anchors replayed = AnchorPool(*g, overlapping, 7).draw(5, stepSeed(7, 5), {}, 5);
        QVERIFY(torch::equal(replayed.images, s5.images));
        QVERIFY(torch::allclose(s5.images, g->generate(s5.z, s5.y), 1e-5, 1e-6));

        // The recipe field: written, read back, and checked.
        QCOMPARE(recipeFromJson(toJson(r), "round trip").anchors.poolRefresh, 4);
        std::string text = toJson(r);
        const std::string refresh = "\"refresh_per_step\": 4";
        text.replace(text.find(refresh), refresh.size(), "\"refresh_per_step\": 5");
        const QString e = errorOf([&] { recipeFromJson(text, "p.json"); });
        QVERIFY2(e.contains("recipe p.json: field 'anchors.pool.refresh_per_step'") &&
                     e.contains("new anchors per step, at most the pool's size"),
                 qPrintable(e));
    }

    // The pool's cache folder: a fresh pool (a resumed run) reads the chunks
    // an earlier one rendered, to the same bits, instead of rendering them;
    // chunks that left the window are deleted, an unreadable one is rendered
    // again, and other sampler settings get a folder of their own. A recipe
    // with latent views renders no anchor image at all (its views never
    // used them: 16,000 samples thrown away per run of docs/results.md).
    void anchorPoolCache()
    {
        namespace fs = std::filesystem;
        const auto g = Generator::load(path("tiny-eps.pt"));
        ViewRecipe r;
        r.views.gaussian = false;
        r.anchors.poolSize = 32;
        r.anchors.poolRefresh = 16;
        const std::string cache = path("pool-cache");
        const auto chunkFiles = [&] {
            std::vector<std::string> names;
            for (const auto &folder : fs::directory_iterator(cache))
                for (const auto &f : fs::directory_iterator(folder.path()))
                    names.push_back(f.path().string());
            return names;
        };
        AnchorPool first(*g, r, 7, cache);
        const Anchors a = first.draw(1, stepSeed(7, 1), {}, 12);
        QVERIFY(first.imagesRendered() > 0);
        QCOMPARE(first.imagesReadFromCache(), 0);
        QCOMPARE(qsizetype(chunkFiles().size()), qsizetype(first.imagesRendered() / 16));

        AnchorPool resumed(*g, r, 7, cache);
        const Anchors again = resumed.draw(1, stepSeed(7, 1), {}, 12);
        QCOMPARE(resumed.imagesRendered(), 0);
        QCOMPARE(resumed.imagesReadFromCache(), first.imagesRendered());
        QVERIFY(torch::equal(again.images, a.images));

        // A chunk cut short is rendered again, to the same bits.
        const std::string cut = chunkFiles().front();
        fs::resize_file(cut, fs::file_size(cut) / 2);
        AnchorPool afterCut(*g, r, 7, cache);
        QVERIFY(torch::equal(afterCut.draw(1, stepSeed(7, 1), {}, 12).images, a.images));
        QCOMPARE(afterCut.imagesRendered(), 16);

        // Step 4's window [64, 96) holds none of step 1's chunks.
        afterCut.draw(4, stepSeed(7, 4), {}, 12);
        for (const std::string &f : chunkFiles()) {
            const auto name = fs::path(f).filename().string();
            QVERIFY2(std::stoll(name.substr(6)) >= 4, qPrintable(QString::fromStdString(f)));
        }

        // Other sampler settings: other images, in a folder of their own.
        ViewRecipe fewer = r;
        fewer.hasSampler = true;
        fewer.sampler.steps = 3;
        AnchorPool other(*g, fewer, 7, cache);
        const Anchors o = other.draw(1, stepSeed(7, 1), {}, 12);
        QCOMPARE(other.imagesReadFromCache(), 0);
        QVERIFY(!torch::allclose(o.images, a.images));
        QVERIFY(other.cacheFolder() != afterCut.cacheFolder());
        // The earlier key's folder is gone: one pool at a time uses the cache.
        QCOMPARE(std::distance(fs::directory_iterator(cache), fs::directory_iterator()), 1);

        // Latent views: latents and classes only, nothing rendered or cached.
        ViewRecipe gaussian = r;
        gaussian.views.gaussian = true;
        gaussian.views.sigma = 0.3f;
        AnchorPool latents(*g, gaussian, 7, cache);
        const Anchors l = latents.draw(1, stepSeed(7, 1), {}, 12);
        QVERIFY(!l.images.defined());
        QVERIFY(torch::equal(l.z, a.z));
        QCOMPARE(latents.imagesRendered(), 0);
        QVERIFY(latents.cacheFolder().empty());
    }

    // The pool's limit counts the latents its window keeps (for a diffusion
    // model as large as its images): 5,000 anchors at 3 x 256 x 256 passed
    // it on their images alone (3,750 MiB) and held twice that.
    void poolMemoryCountsLatents()
    {
        QTemporaryDir dir;
        const auto big =
            Generator::load(latent::test::writeDenoiser(dir.path().toStdString(), 3, 256));
        ViewRecipe r;
        r.views.gaussian = false; // pixel-only views: the pool keeps the anchors' images
        r.anchors.poolSize = 5000;
        TrainConfig c;
        c.data = "generator";
        QString e = errorOf([&] { batchShape(c, r, big.get(), nullptr, "recipe r.json"); });
        QVERIFY2(e.contains("recipe r.json: anchors.pool.size 5000 keeps up to 7794 MiB of "
                            "3x256x256 images and their latents; at most 4096 MiB"),
                 qPrintable(e));
        // Latent views render no anchor image: only the window's latents
        // (4,032 MiB) count, under the limit; twice the pool is not.
        r.views.gaussian = true;
        QVERIFY(errorOf([&] { batchShape(c, r, big.get(), nullptr, "recipe r.json"); }).isEmpty());
        r.anchors.poolSize = 10000;
        e = errorOf([&] { batchShape(c, r, big.get(), nullptr, "recipe r.json"); });
        QVERIFY2(e.contains("anchors.pool.size 10000 keeps up to 7872 MiB of latents (its latent "
                            "views use no anchor image)"),
                 qPrintable(e));
    }

    // A few training steps on views of the diffusion generator (resized to
    // the encoder's 32 px), and a step's batch made again bit for bit.
    void trainsAndReplays()
    {
        const std::string data = path("data");
        QVERIFY(QDir().mkpath(QString::fromStdString(data)));
        test::writeSmallDataset(data, 300, 100);
        TrainConfig c;
        c.generator = path("tiny-eps.pt");
        c.evalData = data;
        c.batch = 8;
        c.steps = 3;
        c.warmupSteps = 1;
        c.probeEvery = 0;
        c.probeTrain = 200;
        c.probeValidation = 50;
        c.resolution = 32;
        c.precision = "fp32";
        ViewRecipe r;
        r.name = "diffusion";
        r.generator = {"tiny-eps.pt", sha256OfFile(c.generator)};
        r.views.sigma = 0.3f;
        const std::string run = path("run");
        auto t = Trainer::create(run, c, r);
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        const BatchReplay replayed = replayBatch(run, 2);
        QVERIFY2(replayed.matches(), replayed.verdict().c_str());
        QCOMPARE(replayed.views.height, 32);

        // From an anchor pool, with re-noised views: the replay's fresh pool
        // renders the step's anchors as the run's pool did.
        r.views.gaussian = false;
        r.views.renoise = 0.5f;
        r.anchors.poolSize = 12;
        r.anchors.poolRefresh = 4;
        // Stopped after step 2, its pool's images wait in the run folder, and
        // the resumed run reads them instead of rendering them again (the
        // replay renders afresh: step 3 matches); the finished run leaves none.
        auto pooled = Trainer::create(path("pooled"), c, r);
        Trainer *raw = pooled.get();
        TrainObserver observer;
        observer.progress = [raw](const TrainProgress &p) {
            if (p.step == 2) raw->stop();
        };
        pooled->setObserver(observer);
        pooled->start();
        pooled->wait();
        QVERIFY2(pooled->state() == RunState::Stopped, pooled->message().c_str());
        const QString poolFolder = QString::fromStdString(path("pooled") + "/anchor-pool");
        QDirIterator chunks(poolFolder, {"chunk-*.pt"}, QDir::Files, QDirIterator::Subdirectories);
        QVERIFY(chunks.hasNext());
        pooled.reset();
        auto resumed = Trainer::open(path("pooled"));
        resumed->start();
        resumed->wait();
        QVERIFY2(resumed->state() == RunState::Finished, resumed->message().c_str());
        QVERIFY(!QDir(poolFolder).exists());
        const BatchReplay step3 = replayBatch(path("pooled"), 3);
        QVERIFY2(step3.matches(), step3.verdict().c_str());
    }

    void sidecarErrorsNameTheField_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected");
        QTest::newRow("prediction") << R"("prediction": "eps")"
                                    << R"("prediction": "score")"
                                    << "field 'diffusion.prediction' is \"score\"";
        QTest::newRow("schedule") << R"("type": "linear")"
                                  << R"("type": "sigmoid")"
                                  << "field 'diffusion.schedule.type' is \"sigmoid\"";
        QTest::newRow("betas") << R"("beta_end": 0.2)"
                               << R"("beta_end": 0.0001)"
                               << "field 'diffusion.schedule.beta_end' is not above beta_start";
        QTest::newRow("null class") << R"("null_class": 3)"
                                    << R"("null_class": 9)"
                                    << "field 'diffusion.null_class'";
        QTest::newRow("null class among the classes")
            << R"("null_class": 3)"
            << R"("null_class": 0)"
            << "field 'diffusion.null_class' is 0, one of the model's classes 0 to 2; expected "
               "num_classes (3)";
        QTest::newRow("steps") << R"("steps": 5)"
                               << R"("steps": 500)"
                               << "field 'diffusion.sampler.steps'";
        QTest::newRow("call") << R"("call": "x,t,y")"
                              << R"("call": "z,y")"
                              << "field 'call' is \"z,y\"";
        QTest::newRow("gan kind") << R"("kind": "diffusion")"
                                  << R"("kind": "gan")"
                                  << "field 'diffusion' is set but kind is \"gan\"";
        QTest::newRow("guidance without null class")
            << R"("null_class": 3,)"
            << ""
            << "field 'diffusion.sampler.guidance' is 2.0 but the model has no null_class";
    }
    void sidecarErrorsNameTheField()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        const std::string pt =
            sidecarWith(QTest::currentDataTag(), from.toStdString(), to.toStdString());
        const QString e = errorOf([&] { Generator::load(pt); });
        QVERIFY2(e.contains(expected), qPrintable(e));
    }
};

QTEST_GUILESS_MAIN(TestDiffusion)
#include "test_diffusion.moc"
