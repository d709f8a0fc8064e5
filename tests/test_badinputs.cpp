// SPDX-License-Identifier: MIT
// The bad-input corpus through the core (tests/data/bad/cases.tsv: the same
// cases run through latent-cli in test_cli and the studio in
// test_mainwindow), plus a full disk and a run folder deleted mid-run.
#include "atomicfile.h"
#include "badinputs.h"
#include "data/idx.h"
#include "error.h"
#include "generators/generator.h"
#include "runtime.h"
#include "smalldataset.h"
#include "stoppedrun.h"
#include "train/runsummary.h"
#include "train/trainer.h"
#include "views/viewrecipe.h"

#include <QtTest>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>

using namespace latent;
namespace fs = std::filesystem;

namespace {

template <typename F> QString errorOf(F &&f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    }
    return "(no error)";
}

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Files larger than `bytes` cannot be written in this process while it
// lives (EFBIG, as on a full disk); SIGXFSZ is ignored so that write()
// fails instead of the process dying.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_old);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lim = m_old;
        lim.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &lim);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_handler);
    }

private:
    rlimit m_old{};
    void (*m_handler)(int);
};

} // namespace

class TestBadInputs : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QTemporaryDir m_corpus;
    QString m_goodRun; // a stopped run that the run cases damage a copy of

private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime();
        m_goodRun = m_corpus.filePath("good");
        test::writeStoppedRun(m_goodRun.toStdString(), m_corpus.filePath("data").toStdString());
    }

    void corpus_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = test::badInputs({"generator", "sidecar", "recipe", "idx"});
        QVERIFY(cases.size() >= 15);
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].file)) << i;
    }

    void corpus()
    {
        QFETCH(int, index);
        const test::BadInput c =
            test::badInputs({"generator", "sidecar", "recipe", "idx"}).at(index);
        QTemporaryDir dir;
        QString named;
        const std::string path = test::prepareBadInput(c, dir, false, &named).toStdString();
        QString error;
        if (c.kind == "generator" || c.kind == "sidecar") {
            error = errorOf([&] { Generator::load(path); });
        } else if (c.kind == "recipe") {
            const auto generator = Generator::load(LATENT_DEFAULT_GENERATOR);
            error = errorOf([&] {
                readRecipe(path).checkAgainst(generator->info().latentSize,
                                              generator->info().numClasses, "recipe " + path);
            });
        } else {
            error = errorOf([&] { readIdx(path); });
        }
        QCOMPARE(error, test::expectedMessage(c, named));
    }

    // Run folders damaged one file at a time: the Runs tab's reader (every
    // file but the checkpoint) and a resume name the file and the fault, and
    // the good run is still read.
    void runCorpus_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = test::badInputs({"run"});
        QVERIFY(cases.size() >= 12);
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].file)) << i;
    }

    void runCorpus()
    {
        QFETCH(int, index);
        const test::BadInput c = test::badInputs({"run"}).at(index);
        QTemporaryDir dir;
        QString named;
        const std::string run = test::prepareBadRun(c, m_goodRun, dir, &named).toStdString();
        const QString expected = test::expectedMessage(c, named);
        if (test::runListingReads(c))
            QCOMPARE(errorOf([&] { readRunSummary(run); }), expected);
        else
            QCOMPARE(readRunSummary(run).status.step, 2);
        QCOMPARE(errorOf([&] { Trainer::open(run); }), expected);
        QCOMPARE(readRunSummary(m_goodRun.toStdString()).status.step, 2);
    }

    // metrics.csv is written for spreadsheets and never read: a damaged one
    // is rebuilt from metrics.jsonl when the run resumes.
    void damagedMetricsCsvIsRebuiltOnResume()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath("csv");
        QDir().mkpath(run);
        for (const QString &name : QDir(m_goodRun).entryList(QDir::Files | QDir::Hidden))
            QFile::copy(m_goodRun + "/" + name, run + "/" + name);
        const std::string csv = (run + "/metrics.csv").toStdString();
        const std::string good = readAll(csv);
        writeFileAtomically(csv, "garbled\x01 not a table");
        Trainer::open(run.toStdString()); // reads, resumes nothing yet
        QCOMPARE(readAll(csv), good);
    }

    // A write that hits a full disk (here a file size limit) fails with a
    // message naming the file, leaves the previous file as it was and no
    // temporary file behind.
    void fullDiskKeepsThePreviousFile()
    {
        const std::string path = m_dir.filePath("kept.bin").toStdString();
        writeFileAtomically(path, std::string(1000, 'a'));
        QString error;
        {
            FileSizeLimit limit(64 * 1024);
            error = errorOf([&] { writeFileAtomically(path, std::string(1 << 20, 'b')); });
        }
        QCOMPARE(error, QString::fromStdString("cannot write " + path +
                                               ": File too large (the disk or a size limit is "
                                               "full; the previous " +
                                               path + ", if any, is unchanged)"));
        QCOMPARE(readAll(path), std::string(1000, 'a'));
        int files = 0;
        for ([[maybe_unused]] const auto &e : fs::directory_iterator(m_dir.path().toStdString()))
            ++files;
        QCOMPARE(files, 1);
    }

    // Deleting the run folder while a run trains stops it with a message
    // that says so; nothing crashes.
    void runFolderDeletedWhileTraining()
    {
        const std::string data = m_dir.filePath("data").toStdString();
        fs::create_directories(data);
        test::writeSmallDataset(data, 500, 200);
        TrainConfig c;
        c.generator = LATENT_DEFAULT_GENERATOR;
        c.evalData = data;
        c.batch = 16;
        c.steps = 100000;
        c.probeEvery = 0;
        c.precision = "fp32";
        const std::string run = m_dir.filePath("doomed").toStdString();
        ViewRecipe recipe;
        recipe.generator = {"fashion-cgan.pt", sha256OfFile(LATENT_DEFAULT_GENERATOR)};
        auto t = Trainer::create(run, c, recipe);
        t->start();
        QTRY_VERIFY_WITH_TIMEOUT(t->step() >= 2, 60000);
        // As `rm -rf` would: the trainer may write a file between the removal
        // of the files and of the folder ("Directory not empty"), so retry.
        const auto removed = [&] {
            std::error_code ec;
            fs::remove_all(run, ec);
            return !ec && !fs::exists(run);
        };
        QTRY_VERIFY_WITH_TIMEOUT(removed(), 10000);
        t->wait();
        QVERIFY(t->state() == RunState::Failed);
        const QString message = QString::fromStdString(t->message());
        QVERIFY2(message.startsWith(
                     QString::fromStdString("the run folder " + run +
                                            " was deleted or moved while training; training "
                                            "stopped at step ")),
                 qPrintable(message));
        // It also says that the folder could not record it (it said nothing).
        QVERIFY2(message.contains("; the run folder's status.json was not updated: "),
                 qPrintable(message));
        QVERIFY(!fs::exists(run)); // nothing recreated a half run folder
    }
};

QTEST_MAIN(TestBadInputs)
#include "test_badinputs.moc"
