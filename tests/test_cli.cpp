// SPDX-License-Identifier: MIT
// latent-cli end to end through a real process.
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Result
{
    int code;
    QString out;
    QString err;
};

Result runCli(const QStringList &args)
{
    QProcess p;
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
private Q_SLOTS:
    void infoOnDefaultGenerator()
    {
        const Result r = runCli({"info", LATENT_DEFAULT_GENERATOR});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("latent size:  64"));
        QVERIFY(r.out.contains("classes:      10"));
        QVERIFY(r.out.contains("call:         forward(z, y)"));
        QVERIFY(r.out.contains("ok       all values finite"));
        // 'default' names the shipped generator.
        QCOMPARE(runCli({"info", "default"}).code, 0);
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
    }

    void badInputsExitNonZero()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = runCli(args);
        QVERIFY2(r.code > 0, qPrintable(QString::number(r.code)));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void directionsAndViews()
    {
        QTemporaryDir dir;
        const QString set = dir.filePath("sefa.json"), strip = dir.filePath("strip.png");
        Result r = runCli({"directions", LATENT_DEFAULT_GENERATOR, "--method", "sefa", "--k", "3",
                           "--out", set, "--strip", strip});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("3 sefa directions"));
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
        QCOMPARE(QImage(views).size(), QSize(4 * 32 + 5 * 2, 4 * 32 + 5 * 2));

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

    void version()
    {
        const Result r = runCli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("latent-cli "));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
