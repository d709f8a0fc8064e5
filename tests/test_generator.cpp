// SPDX-License-Identifier: MIT
// Core, no display: generator loading, sidecar validation, sampling.
#include "atomicfile.h"
#include "error.h"
#include "errorof.h"
#include "generators/generator.h"
#include "views/directions.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/script.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace latent;
namespace fs = std::filesystem;

namespace {

const std::string kDefault = LATENT_DEFAULT_GENERATOR;
const std::string kData = LATENT_TEST_DATA_DIR;

const char *kGoodSidecar = R"({"schema_version": 1, "name": "copy", "latent_size": 64,
  "num_classes": 10, "channels": 1, "resolution": 32, "output_range": [-1, 1], "call": "z,y"})";

// `source` (a TorchScript forward) saved as NAME.pt in `dir`; its path.
std::string savedModule(const QTemporaryDir &dir, const std::string &name,
                        const std::string &source)
{
    torch::jit::Module m(name);
    m.define(source);
    const std::string pt = dir.filePath(QString::fromStdString(name + ".pt")).toStdString();
    m.save(pt);
    return pt;
}

std::string loadError(const std::string &path)
{
    try {
        Generator::load(path);
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream(path, std::ios::binary) << text;
}

} // namespace

class TestGenerator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsDefaultGenerator()
    {
        const auto gen = Generator::load(kDefault);
        const GeneratorInfo &info = gen->info();
        QCOMPARE(info.latentSize, 64);
        QCOMPARE(info.numClasses, 10);
        QCOMPARE(info.channels, 1);
        QCOMPARE(info.resolution, 32);
        QVERIFY(info.call == CallSignature::ZY);
        QCOMPARE(info.className(7), std::string("Sneaker"));
        QVERIFY(gen->hasSidecar());
        for (const ReportLine &line : gen->report())
            QVERIFY(line.kind == ReportLine::Kind::Check);
    }

    void badSidecar_data()
    {
        QTest::addColumn<QString>("sidecar");
        QTest::addColumn<QString>("message");
        const QString good = kGoodSidecar;
        auto with = [&](const QString &from, const QString &to) {
            return QString(good).replace(from, to);
        };
        QTest::newRow("wrong size")
            << with("\"resolution\": 32", "\"resolution\": 64")
            << "sidecar says 1 channel(s) at 64x64 but the module returned [4, 1, 32, 32]";
        QTest::newRow("wrong channels")
            << with("\"channels\": 1", "\"channels\": 3")
            << "sidecar says 3 channel(s) at 32x32 but the module returned [4, 1, 32, 32]";
        QTest::newRow("missing field")
            << with("\"latent_size\": 64,", "")
            << "missing field 'latent_size' (expected an integer in [1, 65536], the size of z)";
        QTest::newRow("wrong signature")
            << with("\"num_classes\": 10", "\"num_classes\": 0").replace("\"z,y\"", "\"z\"")
            << "sidecar says the module is called as forward(z) but its forward() takes 2 "
               "arguments (z, y)";
        QTest::newRow("wrong latent size")
            << with("\"latent_size\": 64", "\"latent_size\": 100")
            << "forward(z, y) with z [4, 100] and y [4] failed (sidecar latent_size 100";
        QTest::newRow("wrong range")
            << with("[-1, 1]", "[0, 1]")
            << "sidecar says output_range [0, 1] but the module returned values in [-1";
        QTest::newRow("unknown field")
            << with("\"resolution\"", "\"resolutoin\"") << "unknown field 'resolutoin'";
        QTest::newRow("negative size")
            << with("\"resolution\": 32", "\"resolution\": -5")
            << "field 'resolution' is -5, expected an integer in [4, 4096]";
        QTest::newRow("huge resolution")
            << with("\"resolution\": 32", "\"resolution\": 1000000")
            << "field 'resolution' is 1000000, expected an integer in [4, 4096]";
        QTest::newRow("wrong type") << with("\"latent_size\": 64", "\"latent_size\": \"64\"")
                                    << "field 'latent_size' is string \"64\", expected an integer";
        QTest::newRow("newer schema")
            << with("\"schema_version\": 1", "\"schema_version\": 7")
            << "schema_version 7 is newer than this build understands (2)";
        QTest::newRow("malformed json") << good.left(40) << "not valid JSON";
    }

    void badSidecar()
    {
        QFETCH(QString, sidecar);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string pt = dir.filePath("g.pt").toStdString();
        fs::copy_file(kDefault, pt);
        writeText(dir.filePath("g.json").toStdString(), sidecar.toStdString());
        const QString error = QString::fromStdString(loadError(pt));
        QVERIFY2(error.contains(message), qPrintable(error));
        // Errors in the sidecar's own fields name it; those found by running
        // the module against it name the module.
        const bool fromProbe = message.contains("module") || message.startsWith("forward(");
        QVERIFY2(error.contains(dir.filePath(fromProbe ? "g.pt" : "g.json")), qPrintable(error));
    }

    void corruptModule_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QFile f(QString::fromStdString(kDefault));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QTest::newRow("truncated") << f.read(1000);
        QByteArray noise(4096, '\0');
        for (int i = 0; i < noise.size(); ++i)
            noise[i] = char((i * 7919 + 13) % 251);
        QTest::newRow("random bytes") << noise;
        QTest::newRow("empty") << QByteArray();
    }

    void corruptModule()
    {
        QFETCH(QByteArray, bytes);
        QTemporaryDir dir;
        QFile f(dir.filePath("broken.pt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        const QString error = QString::fromStdString(loadError(f.fileName().toStdString()));
        QVERIFY2(
            error.startsWith("generator " + f.fileName() + ": not a readable TorchScript file"),
            qPrintable(error));
    }

    void badModules_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("message");
        QTest::newRow("nan") << "returns_nan.pt"
                             << "forward() returned 4 NaN or Inf values out of 256";
        QTest::newRow("inf") << "returns_inf.pt"
                             << "forward() returned 256 NaN or Inf values out of 256";
        QTest::newRow("tuple") << "returns_tuple.pt"
                               << "forward() returned a tuple, expected a tensor";
        QTest::newRow("three inputs")
            << "three_inputs.pt"
            << "forward() takes 3 arguments, expected 1 (z) or 2 (z, y class indices)";
        QTest::newRow("wrong shape")
            << "wrong_shape.pt"
            << "sidecar says 1 channel(s) at 32x32 but the module returned [4, 3, 64, 64]";
        QTest::newRow("missing") << "no_such_file.pt"
                                 << "no_such_file.pt: file not found";
    }

    void badModules()
    {
        QFETCH(QString, file);
        QFETCH(QString, message);
        const QString error = QString::fromStdString(loadError(kData + "/" + file.toStdString()));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void infersWithoutSidecar()
    {
        const auto uncond = Generator::load(kData + "/unconditional.pt");
        QCOMPARE(uncond->info().latentSize, 16);
        QCOMPARE(uncond->info().numClasses, 0);
        QCOMPARE(uncond->info().channels, 3);
        QCOMPARE(uncond->info().resolution, 8);
        QCOMPARE(uncond->info().outputMin, -1.0f);
        QVERIFY(!uncond->hasSidecar());
        QVERIFY(uncond->report().front().kind == ReportLine::Kind::Assumption);

        const auto cond = Generator::load(kData + "/conditional.pt");
        QCOMPARE(cond->info().latentSize, 8);
        QCOMPARE(cond->info().numClasses, 5);
        QVERIFY(cond->info().call == CallSignature::ZY);
        QCOMPARE(cond->info().outputMin, 0.0f);
        QCOMPARE(cond->info().outputMax, 1.0f);
        const auto batch = cond->sample({6, 3, 2.0f, -1});
        QCOMPARE(batch.count, 6);
        QCOMPARE(batch.channels, 1);

        // What a sidecar could not state is refused from the probe too: an
        // RGBA generator's images were drawn and compared with real data as
        // if they had 3 channels (reading past their end), 2 px ones too.
        QTemporaryDir dir;
        for (const auto &[shape, message] :
             {std::pair<std::string, std::string>{"4, 8, 8", "4 channels, expected 1 (grey) or 3"},
              {"1, 2, 2", "2 pixels per side, expected 4 to 4096"}}) {
            const std::string pt = savedModule(
                dir, "odd",
                "def forward(self, z):\n    return torch.tanh(z[:, :1]).view(-1, 1, 1, 1)"
                ".expand(-1, " +
                    shape + ").contiguous()\n");
            const QString error = QString::fromStdString(loadError(pt));
            QVERIFY2(error.contains(QString::fromStdString(message)), qPrintable(error));
        }
    }

    // A model that fails in forward() after loading (out of memory, a
    // scripted raise) is named in one line: torch's message carried a C++
    // backtrace or a script traceback into the studio's labels.
    void forwardFailureNamesTheGenerator()
    {
        QTemporaryDir dir;
        // Batches above 16 fail in reshape (as a model with a fixed batch would).
        const std::string pt =
            savedModule(dir, "fragile",
                        "def forward(self, z):\n"
                        "    n = z.size(0)\n"
                        "    if n > 16:\n"
                        "        n = n + 1\n"
                        "    return torch.tanh(z[:, :1]).reshape(n, 1, 1, 1).expand(-1, 1, 8, 8)"
                        ".contiguous()\n");
        const auto gen = Generator::load(pt);
        QCOMPARE(gen->sample({8, 1, 0.0f, -1}).count, 8);
        QString error;
        try {
            gen->sample({40, 1, 0.0f, -1});
        } catch (const Error &e) {
            error = QString::fromStdString(e.what());
        }
        QVERIFY2(error.startsWith(QString::fromStdString("generator " + pt +
                                                         " failed on a batch of 40 on cpu: ")) &&
                     error.contains("is invalid for input of size 40") && !error.contains('\n'),
                 qPrintable(error));
        // Abandoned (its window closed): cancelled, not failed.
        gen->abandon();
        QVERIFY_THROWS_EXCEPTION(Cancelled, gen->sample({8, 1, 0.0f, -1}));

        // Finite on the load probe, NaN for a latent beyond 10 (an overflow):
        // named, not passed on as black images or a NaN loss.
        const std::string overflowing =
            savedModule(dir, "overflowing",
                        "def forward(self, z):\n"
                        "    return torch.sqrt(10.0 - z[:, :1].abs()).tanh().view(-1, 1, 1, 1)"
                        ".expand(-1, 1, 8, 8).contiguous()\n");
        const auto over = Generator::load(overflowing);
        const int latent = over->info().latentSize;
        QCOMPARE(over->render(std::vector<float>(std::size_t(latent), 1.0f), {-1}).count, 1);
        error = test::errorOf([&] {
            over->render(std::vector<float>(std::size_t(2 * latent), 20.0f), {-1, -1});
        });
        QCOMPARE(error, QString::fromStdString(
                            "generator " + overflowing +
                            " returned NaN or Inf values for a batch of 2 on cpu (its outputs at "
                            "load were finite: some latents or settings overflow it, e.g. a wide "
                            "Gaussian view, a large guidance or float16 weights)"));
    }

    // A [0, 1] module under a sidecar's [-1, 1]: within range, yet every
    // image would be washed out; the load report says so.
    void halfTheRangeIsWarned()
    {
        QTemporaryDir dir;
        // Spread over [0.05, 0.95] by batch position: both halves of [0, 1].
        const std::string pt = savedModule(
            dir, "sigmoid",
            "def forward(self, z):\n"
            "    x = torch.sigmoid(torch.linspace(-3.0, 3.0, z.size(0))) + 0 * z[:, 0]\n"
            "    return x.view(-1, 1, 1, 1).expand(-1, 1, 8, 8).contiguous()\n");
        // The sidecar's output_range, "-1" or "0" to 1.
        const auto loadWithRangeFrom = [&](const std::string &low) {
            writeFileAtomically(dir.filePath("sigmoid.json").toStdString(),
                                R"({"schema_version": 1, "name": "sigmoid", "latent_size": 8,
                                    "num_classes": 0, "channels": 1, "resolution": 8,
                                    "output_range": [)" +
                                    low + R"(, 1], "call": "z"})");
            return Generator::load(pt);
        };
        // The warning's text, "" when none.
        const auto halfWarning = [](const Generator &g) {
            for (const ReportLine &l : g.report())
                if (l.text.find("half of output_range") != std::string::npos) return l.text;
            return std::string();
        };
        QVERIFY(halfWarning(*loadWithRangeFrom("-1"))
                    .find("only the upper half of output_range [-1, 1]") != std::string::npos);
        QCOMPARE(halfWarning(*loadWithRangeFrom("0")), std::string());
        QCOMPARE(halfWarning(*Generator::load(kDefault)), std::string());
    }

    void sameSeedGivesIdenticalImages()
    {
        const auto gen = Generator::load(kDefault);
        const SampleRequest request{16, 42, 1.5f, -1};
        const ImageBatch a = gen->sample(request), b = gen->sample(request);
        QCOMPARE(a.pixels.size(), std::size_t(16 * 32 * 32));
        QVERIFY(a.pixels == b.pixels);
        QVERIFY(a.classes == b.classes);
        SampleRequest other = request;
        other.seed = 43;
        QVERIFY(gen->sample(other).pixels != a.pixels);
    }

    void truncationBoundHolds()
    {
        const auto gen = Generator::load(kDefault);
        for (float t : {0.25f, 0.5f, 1.0f, 2.0f}) {
            const auto z = gen->sampleLatents({4096, 7, t, -1});
            const float maxAbs = z.abs().max().item<float>();
            QVERIFY2(maxAbs <= t, qPrintable(QString("t=%1 max=%2").arg(t).arg(maxAbs)));
            QVERIFY(maxAbs > 0.95f * t); // the bound is reached, not a narrower one
        }
        // Untruncated: 262,144 normal draws exceed 3.5 almost surely.
        QVERIFY(gen->sampleLatents({4096, 7, 0.0f, -1}).abs().max().item<float>() > 3.5f);
        // A truncated normal, not a clamp or a uniform: at t=1, P(|z| < 0.5) is
        // 0.3829 / 0.6827 = 0.561 (a uniform on [-1, 1] gives 0.5, a clamped
        // normal 0.383).
        const auto z1 = gen->sampleLatents({4096, 7, 1.0f, -1});
        const double inner = (z1.abs() < 0.5f).to(torch::kFloat64).mean().item<double>();
        QVERIFY2(inner > 0.55 && inner < 0.572, qPrintable(QString::number(inner)));
    }

    void classChoice()
    {
        const auto gen = Generator::load(kDefault);
        const auto batch = gen->sample({12, 5, 2.0f, 3});
        for (int c : batch.classes)
            QCOMPARE(c, 3);
        const auto cycled = gen->sample({25, 5, 2.0f, SampleRequest::kCycleClasses});
        for (int i = 0; i < 25; ++i)
            QCOMPARE(cycled.classes[i], i % 10);
        const auto uniform = gen->sample({400, 5, 2.0f, -1});
        std::set<int> seen(uniform.classes.begin(), uniform.classes.end());
        QCOMPARE(int(seen.size()), 10);
        try {
            gen->sample({4, 1, 2.0f, 10});
            QFAIL("class 10 accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("class 10 is out of range") &&
                         QString(e.what()).contains("10 classes (0..9)"),
                     e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestGenerator)
#include "test_generator.moc"
