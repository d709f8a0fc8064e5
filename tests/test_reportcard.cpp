// SPDX-License-Identifier: MIT
// Core, no display: the generator report card on generators whose answers
// are known. Real data: a bar whose row is the class, under latent-dependent
// noise, made by the same TorchScript function as the generators, so that
//  - the faithful generator is the data's own distribution (fidelity and CAS
//    near 100%, Frechet distance near the real-vs-real reference);
//  - the shifted one draws class c's bar for class c + 1 (fidelity and CAS
//    near 0, the Frechet distance still near the reference: it is class-blind);
//  - the blank one draws no bar (a large Frechet distance).
#include "data/dataset.h"
#include "error.h"
#include "errorof.h"
#include "eval/reportcard.h"
#include "generators/generator.h"
#include "runtime.h"
#include "smalldataset.h"
#include "views/directions.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <torch/script.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>

using namespace latent;

namespace {

constexpr int kClasses = 4;

// forward(z [N, 16], y [N]) -> [N, 1, 32, 32] in [-1, 1]: the bar of class
// (y + shift) mod 4 (none when `bar` is false) over 4x4 blocks of z.
std::string barSource(int shift, bool bar, bool conditional)
{
    std::string s = conditional ? "def forward(self, z, y):\n" : "def forward(self, z):\n";
    s += "    n = z.shape[0]\n"
         "    noise = z.view(n, 1, 4, 4).repeat_interleave(8, 2).repeat_interleave(8, 3) * 0.3\n";
    if (!conditional) s += "    y = (z[:, 0] > 0).long() * 2\n";
    s += "    rows = torch.arange(32).view(1, 32, 1)\n"
         "    start = (((y + " +
         std::to_string(shift) +
         ") % 4) * 7 + 3).view(n, 1, 1)\n"
         "    bar = ((rows >= start) & (rows < start + 4)).float()\n"
         "    bar = bar.expand(n, 32, 32).unsqueeze(1) * " +
         std::string(bar ? "1.4" : "0.0") + "\n    return (bar - 0.7 + noise).clamp(-1.0, 1.0)\n";
    return s;
}

// `classNames`: the sidecar's class_names as a JSON array, or none.
std::string writeGenerator(const std::string &dir, const std::string &name, int shift, bool bar,
                           bool conditional = true, int classes = kClasses,
                           const std::string &classNames = "")
{
    torch::jit::Module m(name);
    m.define(barSource(shift, bar, conditional));
    const std::string pt = dir + "/" + name + ".pt";
    m.save(pt);
    writeFileAtomically(dir + "/" + name + ".json",
                        R"({"schema_version": 1, "name": ")" + name +
                            R"(", "latent_size": 16, "num_classes": )" +
                            std::to_string(conditional ? classes : 0) +
                            R"(, "channels": 1, "resolution": 32, "output_range": [-1, 1], )"
                            R"("call": ")" +
                            (conditional ? "z,y" : "z") + "\"" +
                            (classNames.empty() ? "" : ", \"class_names\": " + classNames) + "}");
    return pt;
}

// The real data: the faithful generator's images as 32x32 IDX files,
// classes in turn.
void writeBarDataset(const std::string &dir, const std::string &generator, int nTrain, int nTest)
{
    const auto g = Generator::load(generator);
    for (const bool train : {true, false}) {
        const int n = train ? nTrain : nTest;
        SampleRequest r;
        r.count = n;
        r.seed = train ? 101 : 202;
        r.truncation = 0;
        r.classIndex = SampleRequest::kCycleClasses;
        const ImageBatch b = g->sample(r);
        std::vector<std::uint8_t> labels(b.classes.begin(), b.classes.end());
        const std::string prefix = dir + (train ? "/train" : "/t10k");
        test::writeIdx(prefix + "-images-idx3-ubyte", {n, 32, 32}, b.pixels.data(),
                       b.pixels.size());
        test::writeIdx(prefix + "-labels-idx1-ubyte", {n}, labels.data(), labels.size());
    }
}

ReportCardOptions quick()
{
    ReportCardOptions o;
    o.samples = 200;
    o.casImages = 800;
    o.epochs = 4;
    o.nearestRows = 3;
    o.nearestNeighbours = 4;
    return o;
}

} // namespace

class TestReportCard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime(); // threads from OMP_NUM_THREADS; large blocks reused under ASan
        QVERIFY(m_dir.isValid());
        const std::string dir = m_dir.path().toStdString();
        m_faithful = writeGenerator(dir, "faithful", 0, true);
        std::filesystem::create_directories(dir + "/bars");
        writeBarDataset(dir + "/bars", m_faithful, 1000, 400);
        m_data = openDataset("idx:" + dir + "/bars");
        QCOMPARE(int(m_data.classNames.size()), kClasses);
    }

    void faithfulGeneratorScoresLikeRealData()
    {
        const auto g = Generator::load(m_faithful);
        std::vector<double> fractions;
        const ReportCard c =
            computeReportCard(*g, m_data, quick(), nullptr,
                              [&](const std::string &, double f) { fractions.push_back(f); });
        qInfo("faithful: real %.3f fidelity %.3f CAS %.3f FD %.3f (reference %.3f)", c.realAccuracy,
              c.fidelity, c.cas, c.frechet, c.frechetReference);
        QVERIFY(c.conditional);
        QVERIFY(c.realAccuracy > 0.9);
        QVERIFY(c.fidelity > 0.9);
        QVERIFY(c.cas > 0.9);
        QVERIFY(c.frechet < 3 * c.frechetReference + 0.5);
        QCOMPARE(int(c.classes.size()), kClasses);
        for (const ReportCardClass &k : c.classes)
            QVERIFY(k.fidelity > 0.8 && k.casRecall > 0.8 && k.realRecall > 0.8);
        // Progress rises to 1.
        QVERIFY(!fractions.empty() && std::is_sorted(fractions.begin(), fractions.end()));
        QCOMPARE(fractions.back(), 1.0);
        // A generated sample, then its nearest real images, per row.
        QCOMPARE(c.nearestColumns, 5);
        QCOMPARE(c.nearest.count, 3 * 5);
        QCOMPARE(int(c.nearest.pixels.size()), 15 * 32 * 32);
        const QString md = QString::fromStdString(reportCardMarkdown(c, "nearest.png"));
        QVERIFY2(md.contains("| fidelity, 200 samples | 100.0% | chance 25.0% |") &&
                     md.contains("| CAS, 800 generated training images |") &&
                     md.contains("| Fréchet distance, 200 samples |") &&
                     md.contains("![Generated samples") && !md.contains("It uses"),
                 qPrintable(md));
        // More samples than a fifth of the train split: the card says how
        // many the distance used.
        ReportCard more = c;
        more.samples = 1000;
        QVERIFY(QString::fromStdString(reportCardMarkdown(more))
                    .contains("It uses 200 of the 1000 samples: the reference holds out a fifth of "
                              "the train split at most."));
    }

    void shiftedClassesFailFidelityAndCasButNotFrechet()
    {
        const auto g =
            Generator::load(writeGenerator(m_dir.path().toStdString(), "shifted", 1, true));
        const ReportCard c = computeReportCard(*g, m_data, quick());
        qInfo("shifted: fidelity %.3f CAS %.3f FD %.3f (reference %.3f)", c.fidelity, c.cas,
              c.frechet, c.frechetReference);
        QVERIFY(c.fidelity < 0.1);
        QVERIFY(c.cas < 0.1);
        QVERIFY(c.realAccuracy > 0.9);
        QVERIFY(c.frechet < 3 * c.frechetReference + 0.5);

        // The same generator naming its class c as the data's class c + 1
        // (what it draws) is matched by name; unrelated names are not
        // compared at all (both used to be compared by index). IDX data is
        // named by its label numbers, which match any generator by index.
        Dataset named = m_data;
        named.classNames = {"zero", "one", "two", "three"};
        const auto renamed =
            Generator::load(writeGenerator(m_dir.path().toStdString(), "renamed", 1, true, true,
                                           kClasses, R"(["one", "two", "three", "zero"])"));
        const ReportCard n = computeReportCard(*renamed, named, quick());
        QVERIFY2(n.fidelity > 0.9 && n.cas > 0.9,
                 qPrintable(QString("fidelity %1 CAS %2").arg(n.fidelity).arg(n.cas)));
        QVERIFY(QString::fromStdString(reportCardMarkdown(n))
                    .contains("Warning: the generator lists the data's classes in another order; "
                              "they are matched by name (its class 0, \"one\", is the data's "
                              "class 1)."));
        const auto unrelated =
            Generator::load(writeGenerator(m_dir.path().toStdString(), "unrelated", 0, true, true,
                                           kClasses, R"(["a", "b", "c", "d"])"));
        const ReportCard u = computeReportCard(*unrelated, named, quick());
        QVERIFY(std::isnan(u.fidelity) && std::isnan(u.cas) && std::isfinite(u.frechet));
        const QString md = QString::fromStdString(reportCardMarkdown(u));
        QVERIFY2(
            md.contains("| fidelity, CAS | not measured: the classes do not match (below) |") &&
                md.contains("Warning: class 0 is \"a\" in the generator but \"zero\" in "
                            "the data."),
            qPrintable(md));
        QVERIFY(computeReportCard(*unrelated, m_data, quick()).fidelity > 0.9); // by index
    }

    void blankGeneratorIsFarAndUnconditionalHasNoClassFigures()
    {
        const auto blank =
            Generator::load(writeGenerator(m_dir.path().toStdString(), "blank", 0, false));
        const ReportCard b = computeReportCard(*blank, m_data, quick());
        qInfo("blank: FD %.3f (reference %.3f)", b.frechet, b.frechetReference);
        QVERIFY(b.frechet > 10 * b.frechetReference + 1);

        const auto unconditional = Generator::load(
            writeGenerator(m_dir.path().toStdString(), "unconditional", 0, true, false));
        const ReportCard u = computeReportCard(*unconditional, m_data, quick());
        QVERIFY(!u.conditional && std::isnan(u.fidelity) && std::isnan(u.cas));
        QVERIFY(std::isfinite(u.frechet) && u.realAccuracy > 0.9);
        QCOMPARE(u.nearest.count, 15);
        const QString md = QString::fromStdString(reportCardMarkdown(u));
        QVERIFY2(!md.contains("fidelity", Qt::CaseInsensitive) && !md.contains("CAS") &&
                     md.contains("| Fréchet distance") && md.contains("| real-trained recall % |"),
                 qPrintable(md));
    }

    void classifierIsCachedPerDataset()
    {
        const auto g = Generator::load(m_faithful);
        ReportCardOptions o = quick();
        o.samples = 50; // the real-trained classifier is what is cached
        o.casImages = 200;
        o.cacheDir = m_dir.filePath("cache").toStdString();
        const ReportCard first = computeReportCard(*g, m_data, o);
        const ReportCard second = computeReportCard(*g, m_data, o);
        QVERIFY(!first.classifierFromCache && second.classifierFromCache);
        QCOMPARE(second.realAccuracy, first.realAccuracy);
        QCOMPARE(second.fidelity, first.fidelity);
        // Other settings, another classifier.
        o.epochs = 3;
        QVERIFY(!computeReportCard(*g, m_data, o).classifierFromCache);
        // A damaged cache file is trained again.
        for (const auto &f : std::filesystem::directory_iterator(o.cacheDir))
            writeFileAtomically(f.path().string(), "not a classifier");
        const ReportCard repaired = computeReportCard(*g, m_data, o);
        QVERIFY(!repaired.classifierFromCache && repaired.realAccuracy > 0.9);

        // The same folder with other images of the same sizes (a class
        // folder renamed, images relabelled): not the cached classifier,
        // whose key held only counts and sizes.
        const std::string changing = m_dir.filePath("changing").toStdString();
        std::filesystem::create_directories(changing);
        writeBarDataset(changing, m_faithful, 1000, 400);
        QVERIFY(!computeReportCard(*g, openDataset("idx:" + changing), o).classifierFromCache);
        QVERIFY(computeReportCard(*g, openDataset("idx:" + changing), o).classifierFromCache);
        writeBarDataset(changing, writeGenerator(m_dir.path().toStdString(), "relabelled", 1, true),
                        1000, 400);
        QVERIFY(!computeReportCard(*g, openDataset("idx:" + changing), o).classifierFromCache);

        QTemporaryDir out;
        writeReportCard(first, out.path().toStdString());
        for (const char *f : {"/report-card.md", "/report-card.json", "/nearest.png"})
            QVERIFY2(QFileInfo(out.path() + f).size() > 0, f);
    }

    // A card on disk stands for a new one (the experiment runner shows it
    // rather than measuring again) only when measured the same way on the
    // same data: a folder that gained images keeps its name, not its card.
    void aWrittenCardStandsOnlyForItsInputs()
    {
        const auto g = Generator::load(m_faithful);
        const ReportCardOptions o = quick();
        ReportCard c = computeReportCard(*g, m_data, o);
        c.data = "bars";
        QCOMPARE(c.dataImages, std::string("train 1000, val 0, test 400"));
        QTemporaryDir out;
        writeReportCard(c, out.path().toStdString());
        const std::string json = out.filePath("report-card.json").toStdString();
        const auto differs = [&](const Dataset &data, const std::string &name,
                                 const ReportCardOptions &options) {
            return QString::fromStdString(reportCardDifference(json, *g, data, name, options));
        };
        QCOMPARE(differs(m_data, "bars", o), QString());
        ReportCardOptions other = o;
        other.samples = o.samples + 1;
        other.seed = o.seed + 1;
        QCOMPARE(differs(m_data, "bars", other), QString("other samples, seed"));
        QCOMPARE(differs(m_data, "elsewhere", o), QString("other data"));
        const std::string grown = m_dir.filePath("grown").toStdString();
        std::filesystem::create_directories(grown);
        writeBarDataset(grown, m_faithful, 1200, 400);
        QCOMPARE(differs(openDataset("idx:" + grown), "bars", o),
                 QString("other data splits (train 1000, val 0, test 400 then, "
                         "train 1200, val 0, test 400 now)"));

        // A card measured with another sampler (a diffusion generator's
        // steps edited in its sidecar) is not this GAN's; a card from before
        // the data's splits and the seed were recorded is compared without them.
        nlohmann::json j = nlohmann::json::parse(readFileCapped(json, json, 1 << 24));
        j["sampling"] = "DDIM, 20 steps, guidance 2.00, eta 0.00";
        writeFileAtomically(json, j.dump());
        QCOMPARE(differs(m_data, "bars", o), QString("other sampler"));
        j["sampling"] = "";
        j.erase("data_images");
        j.erase("seed");
        writeFileAtomically(json, j.dump());
        QCOMPARE(differs(openDataset("idx:" + grown), "bars", other), QString("other samples"));
        QCOMPARE(differs(m_data, "bars", o), QString());
        std::filesystem::remove(json);
        QCOMPARE(differs(m_data, "bars", o), QString("it has no report-card.json"));
    }

    // On validation, a tenth of each class of the train split stands in for
    // test and the classifier trains on the rest; its cache entry is its own.
    void validationStandsInForTest()
    {
        const auto g = Generator::load(m_faithful);
        ReportCardOptions o = quick();
        o.samples = 50;
        o.casImages = 200;
        o.onValidation = true;
        o.cacheDir = m_dir.filePath("cache-validation").toStdString();
        const ReportCard test = computeReportCard(*g, m_data, [&] {
            ReportCardOptions t = o;
            t.onValidation = false;
            return t;
        }());
        const ReportCard c = computeReportCard(*g, m_data, o);
        QVERIFY(!test.onValidation && c.onValidation && !c.classifierFromCache);
        QCOMPARE(test.realTest, 400);
        QCOMPARE(c.realTest, 100); // 10% of the 250 training images of each class
        QCOMPARE(c.realTrain, 900);
        QVERIFY(c.realAccuracy > 0.9 && c.fidelity > 0.9 && c.cas > 0.9);
        QVERIFY(c.sampling.empty()); // a GAN
        const QString md = QString::fromStdString(reportCardMarkdown(c));
        QVERIFY2(md.contains("(train 900, validation 100 images") &&
                     md.contains("Measured on validation: 10.0% of each class") &&
                     md.contains("Real validation accuracy") && !md.contains("real test"),
                 qPrintable(md));
        QVERIFY(
            QString::fromStdString(reportCardJson(c)).contains(R"("evaluated_on": "validation")"));

        // A card on validation reads no test split, so needs none.
        Dataset noTest = m_data;
        noTest.test = ImageStore{};
        ReportCardOptions uncached = o;
        uncached.cacheDir.clear();
        QVERIFY(computeReportCard(*g, noTest, uncached).realTest == 100);
        // A val split of the dataset's own stands in for test instead, and
        // the classifier trains on all of train.
        Dataset withVal = noTest;
        for (std::int64_t i = 0; i < 150; ++i) {
            const ImageStore::Entry &x = m_data.test.entry(i);
            withVal.val.add(m_data.test.pixels(i), x.height, x.width, x.channels,
                            m_data.test.labels()[std::size_t(i)]);
        }
        const ReportCard own = computeReportCard(*g, withVal, uncached);
        QCOMPARE(own.realTest, 150);
        QCOMPARE(own.realTrain, 1000);
        QVERIFY(own.ownValidation && own.realAccuracy > 0.9);
        QVERIFY(QString::fromStdString(reportCardMarkdown(own))
                    .contains("Measured on validation: the dataset's val split"));
        uncached.onValidation = false;
        QString e = test::errorOf([&] { computeReportCard(*g, noTest, uncached); });
        QVERIFY2(e.contains("has no test images; the report card's classifiers need both splits"),
                 qPrintable(e));
        // Classes too small to give a validation image: named, not torch.cat's
        // "expected a non-empty list of Tensors".
        Dataset tiny = m_data;
        tiny.train = ImageStore{};
        std::vector<int> taken(10, 0);
        for (std::int64_t i = 0; i < m_data.train.size(); ++i) {
            const int label = m_data.train.labels()[std::size_t(i)];
            if (taken[std::size_t(label)]++ >= 4) continue;
            const ImageStore::Entry &x = m_data.train.entry(i);
            tiny.train.add(m_data.train.pixels(i), x.height, x.width, x.channels, label);
        }
        uncached.onValidation = true;
        e = test::errorOf([&] { computeReportCard(*g, tiny, uncached); });
        QVERIFY2(e.contains("too few training images to set 10% of them aside for a report card "
                            "on validation (a class needs 5 or more images to give one)"),
                 qPrintable(e));
        // A cache that cannot be written: the card, with a warning.
        ReportCardOptions unwritable = o;
        QFile file(m_dir.filePath("a-file"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        unwritable.cacheDir = m_dir.filePath("a-file/cache").toStdString();
        const ReportCard w = computeReportCard(*g, m_data, unwritable);
        QVERIFY(w.realAccuracy > 0.9);
        QVERIFY(std::any_of(w.warnings.begin(), w.warnings.end(), [](const std::string &x) {
            return QString::fromStdString(x).startsWith(
                "the real-data classifier was not cached (");
        }));
    }

    void badInputsAreRefused()
    {
        const auto five =
            Generator::load(writeGenerator(m_dir.path().toStdString(), "five", 0, true, true, 5));
        try {
            computeReportCard(*five, m_data, quick());
            QFAIL("a generator with other classes was compared");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("has 5 classes but dataset") &&
                         QString(e.what()).contains("has 4"),
                     e.what());
        }
        const auto g = Generator::load(m_faithful);
        ReportCardOptions few = quick();
        few.casImages = 3;
        try {
            computeReportCard(*g, m_data, few);
            QFAIL("a CAS set without every class was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(
                         "report card: 3 CAS images cannot show each of the 4 classes"),
                     e.what());
        }
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(Cancelled, computeReportCard(*g, m_data, quick(), &cancel));
    }

private:
    QTemporaryDir m_dir;
    std::string m_faithful;
    Dataset m_data;
};

QTEST_GUILESS_MAIN(TestReportCard)
#include "test_reportcard.moc"
