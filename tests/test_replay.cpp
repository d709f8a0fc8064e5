// SPDX-License-Identifier: MIT
// Replaying a training step (core/train/replay.h): every step's batch is
// fingerprinted in the metrics, made again bit for bit from the run folder,
// and a changed input is named. Changing the recipe of a run
// (recipeversions.h): live, and on resume.
#include "error.h"
#include "errorof.h"
#include "runtime.h"
#include "smalldataset.h"
#include "stoppedrun.h"
#include "train/replay.h"
#include "train/runfolder.h"
#include "train/runsummary.h"
#include "train/trainconfig.h"
#include "train/trainer.h"
#include "views/recipeversions.h"
#include "views/viewrecipe.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

using namespace latent;
using latent::test::errorOf;
namespace fs = std::filesystem;

namespace {

std::map<int, std::string> fingerprints(const std::string &run)
{
    std::map<int, std::string> out;
    for (const MetricRow &r : readMetrics(run))
        if (r.kind == "train") out[r.step] = r.batchSha256;
    return out;
}

ViewRecipe tightRecipe(const ViewRecipe &base)
{
    ViewRecipe r = base;
    r.name = "tight";
    r.views.sigma = 0.2f;
    return r;
}

} // namespace

class TestReplay : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_generatorRun, m_realRun;

    std::string path(const char *name) const { return m_dir.filePath(name).toStdString(); }

    TrainConfig config() const
    {
        TrainConfig c;
        c.generator = LATENT_DEFAULT_GENERATOR;
        c.evalData = path("data");
        c.batch = 16;
        c.steps = 4;
        c.warmupSteps = 1;
        c.probeEvery = 0;
        c.probeTrain = 300;
        c.probeValidation = 100;
        c.precision = "fp32";
        return c;
    }

    static ViewRecipe recipe()
    {
        ViewRecipe r;
        r.name = "replay";
        r.generator = {"fashion-cgan.pt", sha256OfFile(LATENT_DEFAULT_GENERATOR)};
        return r;
    }

    static void train(const std::string &dir, const TrainConfig &c)
    {
        auto t = Trainer::create(dir, c, recipe());
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
    }

    // A copy of the generator run to damage.
    std::string copyOfGeneratorRun(const char *name) const
    {
        const std::string dir = path(name);
        fs::copy(m_generatorRun, dir, fs::copy_options::recursive);
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        QVERIFY(m_dir.isValid());
        fs::create_directories(path("data"));
        test::writeSmallDataset(path("data"), 600, 300);
        m_generatorRun = path("generator-run");
        train(m_generatorRun, config());
        TrainConfig real = config();
        real.data = "real";
        real.realData = real.evalData;
        real.generator.clear();
        real.steps = 3;
        m_realRun = path("real-run");
        train(m_realRun, real);
    }

    // Each training row holds a fingerprint, different per step, and each
    // step's batch made again matches it (generated views and real images).
    void everyStepReplaysBitForBit()
    {
        for (const std::string &run : {m_generatorRun, m_realRun}) {
            std::set<std::string> seen;
            int steps = 0;
            for (const MetricRow &row : readMetrics(run)) {
                if (row.kind != "train") continue;
                QCOMPARE(int(row.batchSha256.size()), 64);
                seen.insert(row.batchSha256);
                ++steps;
                const BatchReplay r = replayBatch(run, row.step);
                QVERIFY2(r.matches(), r.verdict().c_str());
                QVERIFY(r.differences.empty());
                QCOMPARE(r.anchors, 16);
                QCOMPARE(r.viewsPerAnchor, 2);
                QCOMPARE(r.views.count, 32);
                QVERIFY(QString::fromStdString(r.verdict())
                            .startsWith(
                                QString("matches the batch trained at step %1 ").arg(row.step)));
            }
            QVERIFY(steps >= 3);
            QCOMPARE(int(seen.size()), steps);
        }
    }

    // A few anchors: the first anchors' views of the whole batch, the check unchanged.
    void fewAnchorsAreTheFirstOnes()
    {
        const BatchReplay all = replayBatch(m_generatorRun, 2);
        ReplayOptions few;
        few.maxAnchors = 3;
        const BatchReplay r = replayBatch(m_generatorRun, 2, few);
        QVERIFY(r.matches());
        QCOMPARE(r.views.count, 6);
        QVERIFY(std::equal(r.views.pixels.begin(), r.views.pixels.end(), all.views.pixels.begin()));
    }

    // Another generator file, an edited recipe or a data folder that changed
    // makes another batch, and the verdict names that input.
    void aChangedInputIsNamed()
    {
        ReplayOptions other;
        other.generator = LATENT_TEST_DATA_DIR "/unconditional.pt";
        BatchReplay r = replayBatch(m_generatorRun, 3, other);
        QVERIFY(!r.matches());
        QVERIFY2(QString::fromStdString(r.verdict())
                     .contains(QString::fromStdString("generator: " + other.generator)),
                 r.verdict().c_str());

        const std::string edited = copyOfGeneratorRun("edited-recipe");
        ViewRecipe changed = readRecipe(edited + "/recipe.json");
        changed.views.sigma = 0.3f;
        writeRecipe(changed, edited + "/recipe.json");
        r = replayBatch(edited, 3);
        QVERIFY(!r.matches());
        QVERIFY2(QString::fromStdString(r.verdict())
                     .contains(QString::fromStdString("recipe: " + edited + "/recipe.json")),
                 r.verdict().c_str());

        // Same inputs, another recorded batch: nothing to name.
        const std::string other2 = copyOfGeneratorRun("other-record");
        std::vector<MetricRow> rows = readMetrics(other2);
        for (MetricRow &row : rows)
            if (row.step == 3) row.batchSha256 = std::string(64, 'a');
        rewriteMetrics(RunFiles{other2}, rows);
        r = replayBatch(other2, 3);
        QVERIFY(!r.matches());
        QVERIFY2(
            QString::fromStdString(r.verdict()).contains("recipe, build and device) are unchanged"),
            r.verdict().c_str());

        // A real-data run whose folder gained images draws other batches.
        const std::string grown = path("grown-run"), grownData = path("grown-data");
        fs::copy(m_realRun, grown, fs::copy_options::recursive);
        fs::create_directories(grownData);
        test::writeSmallDataset(grownData, 700, 300);
        TrainConfig moved = readTrainConfig(grown + "/config.json");
        moved.realData = moved.evalData = grownData;
        writeTrainConfig(moved, grown + "/config.json");
        r = replayBatch(grown, 2);
        QVERIFY(!r.matches());
        QVERIFY2(QString::fromStdString(r.verdict())
                     .contains(QString::fromStdString(
                         "data: " + grownData +
                         " has 700 training images, the run drew its batches from 600")),
                 r.verdict().c_str());
    }

    // Runs from before fingerprints show their batch unchecked; a step the
    // run never trained, a folder that is no run and a damaged fingerprint
    // are refused by name.
    void unrecordedMissingAndDamaged()
    {
        const std::string old = copyOfGeneratorRun("old");
        std::vector<MetricRow> rows = readMetrics(old);
        for (MetricRow &row : rows)
            row.batchSha256.clear();
        rewriteMetrics(RunFiles{old}, rows);
        const BatchReplay r = replayBatch(old, 2);
        QVERIFY(!r.matches());
        QVERIFY(r.recorded.empty());
        QVERIFY(QString::fromStdString(r.verdict()).contains("recorded no fingerprint for step 2"));
        QCOMPARE(r.views.count, 32);

        QCOMPARE(errorOf([&] { replayBatch(m_generatorRun, 9); }),
                 QString::fromStdString("run " + m_generatorRun +
                                        " has no training step 9: it trained steps 1 to 4"));
        QVERIFY(errorOf([&] { replayBatch(path("data"), 1); }).contains("has no config.json"));

        const std::string damaged = copyOfGeneratorRun("damaged");
        std::ofstream(damaged + "/metrics.jsonl", std::ios::app)
            << R"({"kind":"train","step":5,"loss":1,"wall_s":1,"batch_sha256":"xyz"})"
            << "\n"
            << R"({"kind":"train","step":6,"loss":1,"wall_s":1})"
            << "\n";
        const QString e = errorOf([&] { replayBatch(damaged, 2); });
        QVERIFY2(e.contains("metrics.jsonl line 6") && e.contains("batch_sha256") &&
                     e.contains("expected 64 lower-case hex digits"),
                 qPrintable(e));
    }

    // A recipe applied while the run trains holds from the next step: the
    // batches before it are an unchanged run's, the ones after differ, every
    // step replays, the version is recorded and the report names it.
    void recipeAppliedMidRunHoldsFromTheNextStep()
    {
        const std::string dir = path("changed");
        auto t = Trainer::create(dir, config(), recipe());
        Trainer *raw = t.get();
        const ViewRecipe tight = tightRecipe(recipe());
        std::vector<RecipeVersion> announced; // from the training thread, read after wait()
        TrainObserver observer;
        observer.progress = [&](const TrainProgress &p) {
            if (p.step == 2) raw->changeRecipe(tight); // batch 3 is already made by then
        };
        observer.recipeChanged = [&](const RecipeVersion &v) { announced.push_back(v); };
        t->setObserver(observer);
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        QCOMPARE(int(announced.size()), 1);
        QCOMPARE(announced[0].fromStep, 3);
        QCOMPARE(t->recipe().name, std::string("tight"));

        const std::vector<RecipeVersion> versions = readRecipeVersions(dir);
        QCOMPARE(int(versions.size()), 2);
        QCOMPARE(versions[1].version, 2);
        QCOMPARE(versions[1].fromStep, 3);
        QCOMPARE(versions[1].source, std::string("studio"));
        QCOMPARE(versions[1].sha256, sha256OfBytes(toJson(tight)));

        const auto changed = fingerprints(dir), unchanged = fingerprints(m_generatorRun);
        QCOMPARE(changed.at(1), unchanged.at(1));
        QCOMPARE(changed.at(2), unchanged.at(2));
        QVERIFY(changed.at(3) != unchanged.at(3));
        QVERIFY(changed.at(4) != unchanged.at(4));
        for (int step : {2, 3, 4}) {
            const BatchReplay r = replayBatch(dir, step);
            QVERIFY2(r.matches(), r.verdict().c_str());
        }
        const std::string report = runReport(readRunSummary(dir), {}, ReportFormat::Markdown);
        QVERIFY(report.find("Recipe changes: v2 from step 3 (studio): tight.") !=
                std::string::npos);
        QVERIFY(report.find("### Recipe v2 from step 3 (studio): tight") != std::string::npos);
    }

    // Applied before the first step: version 2 holds from step 1.
    void recipeAppliedBeforeTheFirstStep()
    {
        const std::string dir = path("before-first");
        auto t = Trainer::create(dir, config(), recipe());
        t->changeRecipe(tightRecipe(recipe()));
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        const std::vector<RecipeVersion> versions = readRecipeVersions(dir);
        QCOMPARE(int(versions.size()), 2);
        QCOMPARE(versions[1].fromStep, 1);
        QVERIFY(fingerprints(dir).at(1) != fingerprints(m_generatorRun).at(1));
        const BatchReplay r = replayBatch(dir, 1);
        QVERIFY2(r.matches(), r.verdict().c_str());
    }

    // A resume with a new recipe makes it the version from the resumed step;
    // a later resume without one keeps it.
    void resumeWithANewRecipe()
    {
        const std::string dir = path("resumed");
        test::trainAndStop(dir, config(), 2);
        const ViewRecipe tight = tightRecipe(recipe());
        {
            auto t = Trainer::open(dir, {}, {}, &tight);
            Trainer *raw = t.get();
            TrainObserver observer;
            observer.progress = [raw](const TrainProgress &p) {
                if (p.step == 3) raw->stop();
            };
            t->setObserver(observer);
            t->start();
            t->wait();
            QCOMPARE(t->step(), 3);
        }
        auto t = Trainer::open(dir);
        std::vector<RecipeVersion> announced;
        TrainObserver observer;
        observer.recipeChanged = [&](const RecipeVersion &v) { announced.push_back(v); };
        t->setObserver(observer);
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        QCOMPARE(int(announced.size()), 1); // the earlier session's change, for the curves
        QCOMPARE(announced[0].fromStep, 3);
        const std::vector<RecipeVersion> versions = readRecipeVersions(dir);
        QCOMPARE(int(versions.size()), 2);
        QCOMPARE(versions[1].fromStep, 3);
        QCOMPARE(versions[1].source, std::string("resume"));
        const auto resumed = fingerprints(dir), unchanged = fingerprints(m_generatorRun);
        QCOMPARE(resumed.at(2), unchanged.at(2));
        QVERIFY(resumed.at(3) != unchanged.at(3));
        QVERIFY(resumed.at(4) != unchanged.at(4)); // the third session kept version 2
        for (int step : {2, 3, 4}) {
            const BatchReplay r = replayBatch(dir, step);
            QVERIFY2(r.matches(), r.verdict().c_str());
        }
    }

    // Another generator, no positive pairs, an ended run: refused by name,
    // nothing recorded.
    void recipeChangesRefused()
    {
        const std::string dir = path("refusals");
        auto t = Trainer::create(dir, config(), recipe());
        ViewRecipe other = recipe();
        other.generator.sha256 = std::string(64, '0');
        QString e = errorOf([&] { t->changeRecipe(other); });
        QVERIFY2(e.contains("recipe \"replay\" was made for the generator fashion-cgan.pt "
                            "(SHA-256 000000000000...), but the run trains on ") &&
                     e.contains("start a new run for another generator"),
                 qPrintable(e));
        ViewRecipe single = recipe();
        single.views.perAnchor = 1;
        e = errorOf([&] { t->changeRecipe(single); });
        QVERIFY2(e.contains("views.per_anchor is 1"), qPrintable(e));
        // During the final evaluation no step is left for a recipe to apply to
        // (the studio said "applied" and nothing happened).
        QString duringFinal;
        TrainObserver observer;
        observer.evaluation = [&](const std::string &kind, std::int64_t, std::int64_t) {
            if (kind == "final" && duringFinal.isEmpty())
                duringFinal = errorOf([&] { t->changeRecipe(tightRecipe(recipe())); });
        };
        t->setObserver(observer);
        t->start();
        t->wait();
        QVERIFY2(t->state() == RunState::Finished, t->message().c_str());
        QVERIFY2(duringFinal.contains("has trained its last step"), qPrintable(duringFinal));
        e = errorOf([&] { t->changeRecipe(tightRecipe(recipe())); });
        QVERIFY2(e.contains("has ended (finished)"), qPrintable(e));
        QVERIFY(!fs::exists(recipeVersionsFile(dir)));
        // Nor once a stop is pending.
        auto stopping = Trainer::create(path("refusals-stopping"), config(), recipe());
        stopping->stop();
        e = errorOf([&] { stopping->changeRecipe(tightRecipe(recipe())); });
        QVERIFY2(e.contains("is stopping"), qPrintable(e));

        const std::string stopped = path("refused-resume");
        test::trainAndStop(stopped, config(), 2);
        e = errorOf([&] { Trainer::open(stopped, {}, {}, &other); });
        QVERIFY2(e.contains("was made for the generator"), qPrintable(e));
        QVERIFY(!fs::exists(recipeVersionsFile(stopped)));
    }
};

QTEST_GUILESS_MAIN(TestReplay)
#include "test_replay.moc"
