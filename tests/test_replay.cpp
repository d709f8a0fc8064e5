// SPDX-License-Identifier: MIT
// Replaying a training step (core/replay.h): every step's batch is
// fingerprinted in the metrics, made again bit for bit from the run folder,
// and a changed input is named.
#include "error.h"
#include "replay.h"
#include "runfolder.h"
#include "runtime.h"
#include "smalldataset.h"
#include "trainconfig.h"
#include "trainer.h"
#include "viewrecipe.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>

using namespace latent;
namespace fs = std::filesystem;

namespace {

template <typename F> QString errorOf(F f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
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

    // Another generator file or an edited recipe makes another batch, and
    // the verdict names that input.
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
        QVERIFY2(QString::fromStdString(r.verdict()).contains("recipe, build and device are those"),
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
};

QTEST_GUILESS_MAIN(TestReplay)
#include "test_replay.moc"
