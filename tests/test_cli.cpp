// SPDX-License-Identifier: MIT
// latent-cli end to end through a real process.
#include "badinputs.h"
#include "catsanddogs.h"
#include "runtime.h"
#include "smalldataset.h"
#include "stoppedrun.h"
#include "train/trainconfig.h"
#include "views/viewrecipe.h"

#include <QCryptographicHash>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

namespace {

struct Result
{
    int code;
    QString out;
    QString err;
};

Result runCli(const QStringList &args,
              const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(LATENT_CLI_PATH, args);
    if (!p.waitForFinished(120000)) return {-1, {}, "timed out"};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
    QTemporaryDir m_runs;
    QString m_goodRun; // made by the first run case

private Q_SLOTS:
    void infoOnDefaultGenerator()
    {
        const Result r = runCli({"info", LATENT_DEFAULT_GENERATOR});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("latent size:  64"));
        QVERIFY(r.out.contains("classes:      10"));
        QVERIFY(r.out.contains("call:         forward(z, y)"));
        QVERIFY(r.out.contains("ok       all values finite"));
        // 'default' names the shipped generator, and so does its file's base name;
        // an unknown name is read as a file and refused.
        QCOMPARE(runCli({"info", "default"}).code, 0);
        const Result named = runCli({"info", "fashion-cgan"});
        QVERIFY2(named.code == 0 && named.out.contains("latent size:  64"), qPrintable(named.err));
        const Result unknown = runCli({"info", "no-such-generator"});
        QVERIFY(unknown.code != 0);
        QVERIFY2(unknown.err.contains("no-such-generator"), qPrintable(unknown.err));
    }

    // Torch threads: OMP_NUM_THREADS when it is a positive integer (how the
    // test runner gives each test one core), else the core count; --threads
    // overrides both.
    void threadsFollowOmpNumThreads()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const auto device = [&env](const QStringList &args) {
            const Result r = runCli(args, env);
            const QString line = r.out.section("device:", 1).section('\n', 0, 0).trimmed();
            return r.code == 0 ? line : r.err;
        };
        env.insert("OMP_NUM_THREADS", "3");
        QCOMPARE(device({"info", "default"}), QString("CPU, 3 threads"));
        QCOMPARE(device({"--threads", "2", "info", "default"}), QString("CPU, 2 threads"));
        QCOMPARE(device({"info", "default", "--threads", "2"}), QString("CPU, 2 threads"));
        const QString cores = QString("CPU, %1 threads").arg(QThread::idealThreadCount());
        for (const char *ignored : {"0", "two", "3x", ""}) {
            env.insert("OMP_NUM_THREADS", ignored);
            QCOMPARE(device({"info", "default"}), cores);
        }
        env.remove("OMP_NUM_THREADS");
        QCOMPARE(device({"info", "default"}), cores);
    }

    void sampleWritesGrid()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("grid.png");
        const Result r = runCli({"sample", LATENT_DEFAULT_GENERATOR, "--n", "64", "--seed", "1",
                                 "--class", "7", "--truncation", "1.5", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QImage grid(out);
        QVERIFY(!grid.isNull());
        QCOMPARE(grid.size(), QSize(8 * 32 + 9 * 2, 8 * 32 + 9 * 2)); // 8x8 tiles, 2 px gaps
        // Samples, not a blank canvas: many distinct grey levels in the first tile.
        QSet<int> levels;
        for (int y = 2; y < 34; ++y)
            for (int x = 2; x < 34; ++x)
                levels.insert(qGray(grid.pixel(x, y)));
        QVERIFY2(levels.size() > 20, qPrintable(QString::number(levels.size())));
        // Same seed, same bytes.
        const QString again = dir.filePath("again.png");
        QCOMPARE(runCli({"sample", LATENT_DEFAULT_GENERATOR, "--n", "64", "--seed", "1", "--class",
                         "7", "--truncation", "1.5", "--out", again})
                     .code,
                 0);
        QCOMPARE(QImage(again), grid);
        // The default truncation follows the generator's kind: 2 for a GAN,
        // none for a diffusion model (its x_T must have unit variance).
        const Result gan = runCli({"sample", LATENT_DEFAULT_GENERATOR, "--n", "4", "--out", out});
        QVERIFY2(gan.out.contains("truncation 2)"), qPrintable(gan.out));
        const Result diffusion =
            runCli({"sample", LATENT_TEST_DATA_DIR "/diffusion.pt", "--n", "4", "--out", out});
        QVERIFY2(diffusion.out.contains("truncation 0; DDIM, 5 steps, guidance 2, eta 0)"),
                 qPrintable(diffusion.out + diffusion.err));
    }

    // A diffusion model's sampler chosen for one command: the sidecar's
    // settings given explicitly give the same bytes, other steps or a
    // stochastic eta other images, and the line names what was used.
    void sampleWithSamplerSettings()
    {
        QTemporaryDir dir;
        const auto grid = [&](const QStringList &extra, const QString &name, const QString &said) {
            const QString out = dir.filePath(name);
            const Result r = runCli(QStringList{"sample", LATENT_TEST_DATA_DIR "/diffusion.pt",
                                                "--n", "4", "--out", out} +
                                    extra);
            if (r.code != 0 || !r.out.contains(said)) qWarning("%s", qPrintable(r.out + r.err));
            return r.code == 0 && r.out.contains(said) ? QImage(out) : QImage();
        };
        const QImage sidecar = grid({}, "sidecar.png", "5 steps, guidance 2, eta 0)");
        QVERIFY(!sidecar.isNull());
        QCOMPARE(grid({"--sampler-steps", "5", "--guidance", "2", "--eta", "0"}, "same.png",
                      "5 steps, guidance 2, eta 0)"),
                 sidecar);
        const QImage fewer = grid({"--sampler-steps", "2"}, "fewer.png", "2 steps, guidance 2");
        QVERIFY(!fewer.isNull());
        QVERIFY(fewer != sidecar);
        const QImage unguided = grid({"--guidance", "1"}, "unguided.png", "guidance 1, eta 0)");
        QVERIFY(!unguided.isNull());
        QVERIFY(unguided != sidecar);
        const QImage noisy = grid({"--eta", "1"}, "noisy.png", "guidance 2, eta 1)");
        QVERIFY(!noisy.isNull());
        QVERIFY(noisy != sidecar);
    }

    void badInputsExitNonZero_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing file")
            << QStringList{"info", "/nonexistent/gen.pt"}
            << "latent-cli: error: generator /nonexistent/gen.pt: file not found";
        QTest::newRow("not torchscript")
            << QStringList{"info", LATENT_TEST_DATA_DIR "/returns_nan.json"}
            << "not a readable TorchScript file";
        QTest::newRow("class out of range")
            << QStringList{"sample",    LATENT_DEFAULT_GENERATOR, "--class", "12", "--out",
                           "/tmp/x.png"}
            << "class 12 is out of range";
        QTest::newRow("unwritable output")
            << QStringList{"sample", LATENT_DEFAULT_GENERATOR, "--out", "/nonexistent-dir/grid.png"}
            << "cannot write /nonexistent-dir/grid.png";
        QTest::newRow("no subcommand") << QStringList{} << "subcommand";
        QTest::newRow("two experiment budgets")
            << QStringList{"experiment", "paper-table",      "--budget-steps",
                           "10",         "--budget-minutes", "1"}
            << "--budget-minutes excludes --budget-steps";
        QTest::newRow("sampler settings for a GAN")
            << QStringList{"report-card", LATENT_DEFAULT_GENERATOR, "--guidance", "2"}
            << "which is a GAN; they apply to diffusion generators only";
        QTest::newRow("sampler settings for a GAN's samples")
            << QStringList{"sample",    LATENT_DEFAULT_GENERATOR, "--sampler-steps", "10", "--out",
                           "/tmp/x.png"}
            << "which is a GAN; they apply to diffusion generators only";
        QTest::newRow("sampler eta out of range")
            << QStringList{"sample",    LATENT_TEST_DATA_DIR "/diffusion.pt", "--eta", "2", "--out",
                           "/tmp/x.png"}
            << "eta 2, expected 0 to 1";
        QTest::newRow("more sampler steps than timesteps")
            << QStringList{"report-card", LATENT_TEST_DATA_DIR "/diffusion.pt", "--sampler-steps",
                           "51"}
            << "51 steps, expected 1 to the model's 50 timesteps";
        QTest::newRow("report card on another split")
            << QStringList{"report-card", LATENT_DEFAULT_GENERATOR, "--on", "train"}
            << "--on: train not in {test,validation}";
        QTest::newRow("unknown experiment encoder")
            << QStringList{"experiment", "paper-table", "--encoder", "vgg"}
            << "--encoder: vgg not in {small,resnet18,resnet50}";
        QTest::newRow("class of an unconditional generator")
            << QStringList{"sample",  LATENT_TEST_DATA_DIR "/unconditional.pt",
                           "--class", "1",
                           "--out",   "/tmp/x.png"}
            << "is unconditional; --class and --class-columns apply to class-conditional";
        QTest::newRow("octal count")
            << QStringList{"sample", LATENT_DEFAULT_GENERATOR, "--n", "010", "--out", "/tmp/x.png"}
            << "sample --n is 010; expected a decimal integer without a leading 0";
        QTest::newRow("negative seed")
            << QStringList{"sample",    LATENT_DEFAULT_GENERATOR, "--seed", "-1", "--out",
                           "/tmp/x.png"}
            << "sample --seed is -1; expected an integer of 0 or more";
        QTest::newRow("NaN truncation")
            << QStringList{"sample",    LATENT_DEFAULT_GENERATOR, "--truncation", "nan", "--out",
                           "/tmp/x.png"}
            << "sample --truncation is nan; expected a finite number";
        QTest::newRow("guidance out of range")
            << QStringList{"sample",     LATENT_TEST_DATA_DIR "/diffusion.pt",
                           "--guidance", "1000",
                           "--out",      "/tmp/x.png"}
            << "diffusion sampler: guidance 1000, expected 0 to 100";
        QTest::newRow("settings beside --resume")
            << QStringList{"train", "--resume", "/tmp/any-run", "--steps", "5000"}
            << "train: --steps cannot be combined with --resume (a resumed run keeps its "
               "config.json";
        QTest::newRow("cluster job beside --resume")
            << QStringList{"train", "--resume", "/tmp/any-run", "--cluster-job", "/tmp/job"}
            << "train: --cluster-job cannot be combined with --resume";
        QTest::newRow("row r with a GAN")
            << QStringList{"experiment", "paper-table", "--rows",
                           "a,r",        "--out",       QDir::tempPath() + "/latent-row-r-gan"}
            << "experiment: row r (re-noised views) needs a diffusion generator";
        QTest::newRow("unknown experiment precision")
            << QStringList{"experiment", "paper-table", "--precision", "fp8"}
            << "--precision: fp8 not in {auto,fp32,bf16,fp16}";
        QTest::newRow("fp16 experiment on the CPU")
            << QStringList{"experiment",  "paper-table",
                           "--device",    "cpu",
                           "--precision", "fp16",
                           "--out",       QDir::tempPath() + "/latent-fp16-cpu"}
            << "experiment: precision is fp16, which needs a GPU";
        QTest::newRow("zero-step experiment")
            << QStringList{"experiment", "paper-table", "--budget-steps", "0"}
            << "--budget-steps: Value 0 not in range 1 to 100000000";
    }

    void badInputsExitNonZero()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runCli(args);
        QVERIFY2(r.code > 0, qPrintable(QString::number(r.code)));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    // What train's options put into a run's config and recipe, seen through
    // --cluster-job, which writes both without training.
    void trainOptionsMakeTheConfig()
    {
        QTemporaryDir dir;
        const auto job = [&](const QString &name, const QStringList &args) {
            const Result r = runCli(QStringList{"train", "--out", dir.filePath("run-" + name),
                                                "--cluster-job", dir.filePath(name)} +
                                    args);
            if (r.code != 0) qWarning("%s", qPrintable(r.err));
            return r.code == 0;
        };
        const auto config = [&](const QString &name) {
            return latent::readTrainConfig(dir.filePath(name + "/config.json").toStdString());
        };
        const auto recipe = [&](const QString &name) {
            return latent::readRecipe(dir.filePath(name + "/recipe.json").toStdString());
        };
        // --minutes 0 is no time budget: the default steps, not unbounded ones.
        QVERIFY(job("no-minutes", {"--minutes", "0"}));
        QCOMPARE(config("no-minutes").steps, 1000);
        QVERIFY(job("ten-minutes", {"--minutes", "10"}));
        QVERIFY(config("ten-minutes").steps > 1000000);
        // A config without --recipe trains on its generator's default recipe,
        // as the run it came from (a diffusion model's differs from a GAN's).
        QVERIFY(job("ddpm", {"--generator", LATENT_TEST_DATA_DIR "/diffusion.pt"}));
        QVERIFY(job("again", {"--config", dir.filePath("ddpm/config.json")}));
        const latent::ViewRecipe first = recipe("ddpm"), again = recipe("again");
        QCOMPARE(again.generator.sha256, first.generator.sha256);
        QCOMPARE(again.anchors.truncation, first.anchors.truncation);
        QCOMPARE(again.views.sigma, first.views.sigma);
        QVERIFY(first.views.sigma != latent::ViewRecipe{}.views.sigma);
        // Real data is probed on itself unless --eval says otherwise.
        const QString real = "folder:" + dir.path();
        QVERIFY(job("real", {"--real", real}));
        QCOMPARE(QString::fromStdString(config("real").evalData), real);
        QVERIFY(job("real-eval", {"--real", real, "--eval", "fashion-mnist"}));
        QCOMPARE(config("real-eval").evalData, std::string("fashion-mnist"));
    }

    // The bad-input corpus as a user meets it on the command line: exit
    // code 1, the exact message, and no output file.
    void corpus_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = latent::test::badInputs({"generator", "sidecar", "recipe", "idx"});
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].file)) << i;
    }

    void corpus()
    {
        QFETCH(int, index);
        const auto c = latent::test::badInputs({"generator", "sidecar", "recipe", "idx"}).at(index);
        QTemporaryDir dir;
        QString named;
        const QString path = latent::test::prepareBadInput(c, dir, true, &named);
        const QString out = dir.filePath("out");
        QStringList args;
        if (c.kind == "generator" || c.kind == "sidecar")
            args = {"sample", path, "--out", out + ".png"};
        else if (c.kind == "recipe")
            args = {"views", path, "--out", out + ".png"};
        else
            args = {"train", "--real", path, "--steps", "1", "--out", out};
        const Result r = runCli(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.err.contains("latent-cli: error: " + latent::test::expectedMessage(c, named) + "\n"),
            qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out + ".png") && !QFileInfo::exists(out));
    }

    // Damaged run folders as `train --resume` meets them: exit code 1 and
    // the exact message.
    void runCorpus_data()
    {
        QTest::addColumn<int>("index");
        const auto cases = latent::test::badInputs({"run"});
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(qPrintable(cases[i].file)) << i;
    }

    void runCorpus()
    {
        QFETCH(int, index);
        const auto c = latent::test::badInputs({"run"}).at(index);
        if (m_goodRun.isEmpty()) { // once for all rows
            m_goodRun = m_runs.filePath("good");
            latent::configureRuntime();
            latent::test::writeStoppedRun(m_goodRun.toStdString(),
                                          m_runs.filePath("data").toStdString());
        }
        QTemporaryDir dir;
        QString named;
        const QString run = latent::test::prepareBadRun(c, m_goodRun, dir, &named);
        const Result r = runCli({"train", "--resume", run});
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.err.contains("latent-cli: error: " + latent::test::expectedMessage(c, named) + "\n"),
            qPrintable(r.err));
    }

    // A recipe over the size cap is refused before it is read.
    void hugeRecipe()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("huge.recipe.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"name\": \"");
        QVERIFY(f.resize((qint64(256) << 20) + 1)); // sparse: refused from its size, never read
        f.close();
        const Result r = runCli({"views", f.fileName(), "--out", dir.filePath("x.png")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("latent-cli: error: recipe " + f.fileName() +
                                ": file is 268435457 bytes, expected at most 268435456"),
                 qPrintable(r.err));
    }

    // A full disk (simulated by a file size limit, with SIGXFSZ ignored so
    // that write() fails as on a full disk) fails the command with a message
    // naming the file and leaves the grid that was there untouched.
    void fullDiskKeepsTheOldFile()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath("grid.png");
        QVERIFY(runCli({"sample", LATENT_DEFAULT_GENERATOR, "--out", png}).code == 0);
        QFile before(png);
        QVERIFY(before.open(QIODevice::ReadOnly));
        const QByteArray hash =
            QCryptographicHash::hash(before.readAll(), QCryptographicHash::Sha256);
        before.close();
        QProcess p;
        p.start("bash", {"-c", "trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"", LATENT_CLI_PATH,
                         "sample", LATENT_DEFAULT_GENERATOR, "--seed", "2", "--out", png});
        QVERIFY(p.waitForFinished(120000));
        const QString err = p.readAllStandardError();
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("latent-cli: error: cannot write " + png +
                              ": File too large (the disk or a size limit is full; the previous " +
                              png + ", if any, is unchanged)"),
                 qPrintable(err));
        QFile after(png);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(QCryptographicHash::hash(after.readAll(), QCryptographicHash::Sha256), hash);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1); // no temporary left
    }

    void directionsAndViews()
    {
        QTemporaryDir dir;
        const QString set = dir.filePath("sefa.json"), strip = dir.filePath("strip.png");
        Result r = runCli({"directions", LATENT_DEFAULT_GENERATOR, "--method", "sefa", "--k", "3",
                           "--out", set, "--strip", strip});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("3 sefa directions"));
        r = runCli({"directions", LATENT_DEFAULT_GENERATOR, "--method", "steer",
                    "--walk-sampler-steps", "4", "--out", set});
        QVERIFY2(r.code != 0 && r.err.contains("--walk-sampler-steps applies to diffusion "
                                               "generators"),
                 qPrintable(r.err));
        QCOMPARE(QImage(strip).size(), QSize(7 * 32 + 8 * 2, 3 * 32 + 4 * 2));

        // A recipe beside a copy of the generator; views render from it.
        const QString gen = dir.filePath("fashion-cgan.pt"), recipe = dir.filePath("r.json");
        QVERIFY(QFile::copy(LATENT_DEFAULT_GENERATOR, gen));
        QVERIFY(QFile::copy(QString(LATENT_DEFAULT_GENERATOR).replace(".pt", ".json"),
                            dir.filePath("fashion-cgan.json")));
        r = runCli({"new-recipe", gen, "--out", recipe});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString views = dir.filePath("views.png");
        r = runCli({"views", recipe, "--anchors", "4", "--views", "3", "--out", views});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("pixel RMS distance: positives"));
        QVERIFY(!r.out.contains("same-class positives"));
        QCOMPARE(QImage(views).size(), QSize(4 * 32 + 5 * 2, 4 * 32 + 5 * 2));
        // Class-conditional positives: their distances too.
        latent::ViewRecipe supcon = latent::readRecipe(recipe.toStdString());
        supcon.views.classPositives = true;
        latent::writeRecipe(supcon, recipe.toStdString());
        r = runCli({"views", recipe, "--anchors", "4", "--views", "3", "--out", views});
        QVERIFY2(r.code == 0 && r.out.contains("same-class positives (rows 1-2, 3-4, ... share a "
                                               "class; negatives are other classes): pixel RMS "),
                 qPrintable(r.out + r.err));

        // A changed generator file: refused until the user accepts it.
        QFile f(gen);
        QVERIFY(f.open(QIODevice::Append));
        f.write("x");
        f.close();
        r = runCli({"views", recipe, "--out", views});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("has SHA-256") && r.err.contains("--accept-generator-mismatch"),
                 qPrintable(r.err));

        // A broken recipe names the field.
        QFile bad(recipe);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"schema_version\": 1, \"name\": 3}");
        bad.close();
        r = runCli({"views", recipe, "--out", views});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("field 'name' is integer 3, expected a string"), qPrintable(r.err));
    }

    // latent-cli data on a colour image folder with a broken file, then a
    // real-data run on it with the final evaluation's progress.
    void dataDescribesAFolderAndTrainsOnIt()
    {
        QTemporaryDir tmp;
        latent::test::writeCatsAndDogs(tmp.filePath("set"), 10);
        const QDir dir(tmp.filePath("set"));
        Result r = runCli({"data", dir.path()});
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed().split('\n').last(),
                 "latent-cli: error: image " + dir.filePath("dogs/broken.png") +
                     " cannot be read: not an image OpenCV can decode (expected .png, .jpg, "
                     ".jpeg, .bmp, .tif, .tiff, .webp, .pgm or .ppm); fix or remove it, or skip "
                     "unreadable images "
                     "(--skip-unreadable)");
        const QString grid = tmp.filePath("grid.png");
        r = runCli({"data", dir.path(), "--skip-unreadable", "--grid", grid, "--per-class", "3",
                    "--cell", "10"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(folder)") && r.out.contains("classes: 2") &&
                     r.out.contains("0 cats: train 8 test 2") &&
                     r.out.contains("unreadable files skipped: 1") &&
                     r.out.contains("images: RGB, sides 16 to 20 pixels"),
                 qPrintable(r.out));
        QCOMPARE(QImage(grid).size(), QSize(30, 20));
        QVERIFY(r.err.contains("reading " + dir.path() + ": 21/21 images"));

        const QString run = tmp.filePath("run");
        r = runCli({"train", "--real", dir.path(), "--eval", dir.path(), "--skip-unreadable",
                    "--out", run, "--steps", "2", "--batch", "4", "--probe-every", "0",
                    "--precision", "fp32"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("final evaluation: 20/20 images"), qPrintable(r.err));
        // The run says what it left out (it used to say nothing).
        QVERIFY2(r.err.contains("1 unreadable image(s) left out (skip_unreadable), listed in "
                                "skipped.txt of the run folder; the first: " +
                                dir.path() + ": " + dir.filePath("dogs/broken.png")),
                 qPrintable(r.err));
        QFile skipped(run + "/skipped.txt");
        QVERIFY(skipped.open(QIODevice::ReadOnly));
        QCOMPARE(QString(skipped.readAll()).count('\n'), 1);
        QVERIFY2(r.out.contains("final:     validation: linear probe") &&
                     r.out.contains("| test: linear probe"),
                 qPrintable(r.out));

        // The report card reads the folder the same way, and says what it left out.
        const QStringList card = {"report-card", LATENT_TEST_DATA_DIR "/unconditional.pt",
                                  "--data",      dir.path(),
                                  "--samples",   "20",
                                  "--epochs",    "1",
                                  "--no-cache"};
        r = runCli(card);
        QVERIFY2(r.code == 1 && r.err.contains("skip unreadable images (--skip-unreadable)"),
                 qPrintable(r.err));
        r = runCli(card + QStringList{"--skip-unreadable"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("1 unreadable image(s) of " + dir.path() + " were left out"),
                 qPrintable(r.out));
    }

    // train --resume RUN --recipe NEW.json: the new recipe from the resumed
    // step on (one made for another generator is refused), and replay checks
    // a step trained with it.
    // A diffusion model's card measured on validation with other sampler
    // settings: the card says both, and the test split is left alone.
    void reportCardOnValidationWithSamplerSettings()
    {
        QTemporaryDir dir;
        latent::test::writeSmallDataset(dir.path().toStdString(), 600, 100, 3);
        const QString out = dir.filePath("card");
        const Result r = runCli({"report-card", LATENT_TEST_DATA_DIR "/diffusion.pt", "--data",
                                 "idx:" + dir.path(), "--samples", "60", "--cas-images", "60",
                                 "--epochs", "1", "--on", "validation", "--sampler-steps", "3",
                                 "--guidance", "1.5", "--no-cache", "--out", out});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(DDIM, 3 steps, guidance 1.50, eta 0.00)") &&
                     r.out.contains("Measured on validation: 10.0% of each class") &&
                     r.out.contains("accuracy on real validation"),
                 qPrintable(r.out));
        QFile f(out + "/report-card.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject card = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(card["evaluated_on"].toString(), QString("validation"));
        // 10% of each class of the 600 training images; the 100 test images unused.
        const int validation = card["real_test"].toInt();
        QVERIFY2(validation >= 57 && validation <= 63, qPrintable(QString::number(validation)));
        QCOMPARE(card["real_train"].toInt() + validation, 600);
    }

    void resumeWithAnotherRecipeAndReplay()
    {
        QTemporaryDir tmp;
        const QString run = tmp.filePath("run");
        latent::configureRuntime();
        latent::test::writeStoppedRun(run.toStdString(), tmp.filePath("data").toStdString());
        latent::ViewRecipe tight = latent::readRecipe((run + "/recipe.json").toStdString());
        tight.name = "tight";
        tight.views.sigma = 0.2f;
        latent::ViewRecipe other = tight;
        other.generator.sha256 = std::string(64, '0');
        const QString good = tmp.filePath("tight.json"), bad = tmp.filePath("other.json");
        latent::writeRecipe(tight, good.toStdString());
        latent::writeRecipe(other, bad.toStdString());

        Result r = runCli({"train", "--resume", run, "--recipe", bad});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("latent-cli: error: recipe \"tight\" was made for the generator "
                                "fashion-cgan.pt (SHA-256 000000000000...)"),
                 qPrintable(r.err));
        r = runCli({"train", "--resume", run, "--recipe", good});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("recipe " + good + " holds from step 3 on"), qPrintable(r.err));

        const QString grid = tmp.filePath("step4.png");
        r = runCli({"replay", run, "--step", "4", "--anchors", "4", "--out", grid});
        QVERIFY2(r.code == 0 && r.out.contains("matches the batch trained at step 4 ") &&
                     r.out.contains("4 of 16 anchors x 2 views"),
                 qPrintable(r.out + r.err));
        QVERIFY(!QImage(grid).isNull());
        r = runCli({"replay", run, "--step", "9"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("has no training step 9: it trained steps 1 to 4"),
                 qPrintable(r.err));
    }

    void version()
    {
        const Result r = runCli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("latent-cli "));
        // The build's commit, where the sources are a git checkout (else "unknown").
        const bool git = QFileInfo::exists(LATENT_TEST_DATA_DIR "/../../.git");
        const QRegularExpression built(
            git ? ", built from [0-9a-f]{40}( \\(uncommitted changes\\))?\n$"
                : ", built from unknown");
        QVERIFY2(built.match(r.out).hasMatch(), qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
