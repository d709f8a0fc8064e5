// SPDX-License-Identifier: MIT
// Core, no display: view recipes (JSON round trip, strict errors) and views.
#include "error.h"
#include "generators/generator.h"
#include "views/directions.h"
#include "views/viewrecipe.h"
#include "views/views.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/types.h>
#include <torch/utils.h>

#include <nlohmann/json.hpp>

using namespace latent;

namespace {

ViewRecipe sampleRecipe()
{
    ViewRecipe r;
    r.name = "test";
    r.generator = {"fashion-cgan.pt", "abc"};
    r.seed = 9;
    r.anchors.classes = {1, 7};
    r.views.perAnchor = 3;
    r.views.sigma = 0.3f;
    r.directionSets.push_back(randomDirections(64, 2, 1));
    r.views.steered.push_back({"random", "random 1", -0.5f, 0.7f, true});
    r.pixel.blurP = 0.25f;
    return r;
}

QString errorOf(const std::string &text)
{
    try {
        recipeFromJson(text, "r.json");
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

std::string edited(const std::function<void(nlohmann::json &)> &edit)
{
    auto doc = nlohmann::json::parse(toJson(sampleRecipe()));
    edit(doc);
    return doc.dump();
}

} // namespace

class TestRecipe : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const ViewRecipe r = sampleRecipe();
        const ViewRecipe back = recipeFromJson(toJson(r), "r.json");
        QCOMPARE(toJson(back), toJson(r));
        QCOMPARE(back.anchors.classes, (std::vector<int>{1, 7}));
        QCOMPARE(back.views.steered.size(), std::size_t(1));
        QVERIFY(back.views.steered[0].normal);
        QCOMPARE(back.directionSets[0].vectors, r.directionSets[0].vectors);
        QTemporaryDir dir;
        const std::string path = dir.filePath("r.json").toStdString();
        writeRecipe(r, path);
        QCOMPARE(toJson(readRecipe(path)), toJson(r));
    }

    void strictErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        using J = nlohmann::json;
        QTest::newRow("malformed") << "{\"schema_version\": 1,"
                                   << "recipe r.json: not valid JSON";
        QTest::newRow("unknown field")
            << QString::fromStdString(edited([](J &d) { d["views"]["sigmaa"] = 1; }))
            << "unknown field 'views.sigmaa'";
        QTest::newRow("wrong type")
            << QString::fromStdString(edited([](J &d) { d["views"]["gaussian"]["sigma"] = "big"; }))
            << "field 'views.gaussian.sigma' is string \"big\", expected a number in [0, 10]";
        QTest::newRow("out of range") << QString::fromStdString(edited([](J &d) {
            d["pixel"]["horizontal_flip"]["p"] = 1.5;
        })) << "field 'pixel.horizontal_flip.p' is 1.5, expected a number in [0, 1]";
        QTest::newRow("missing") << QString::fromStdString(edited([](J &d) {
            d["anchors"].erase("truncation");
        })) << "missing field 'anchors.truncation'";
        QTest::newRow("newer") << QString::fromStdString(edited([](J &d) {
            d["schema_version"] = 2;
            d["future"] = 1;
        })) << "schema_version 2 is newer than this build understands (1)";
        QTest::newRow("bad range") << QString::fromStdString(edited([](J &d) {
            d["pixel"]["random_resized_crop"]["scale"] = {0.9, 0.2};
        })) << "field 'pixel.random_resized_crop.scale' is [0.9,0.2], expected [lo, hi]";
        QTest::newRow("bad choice")
            << QString::fromStdString(
                   edited([](J &d) { d["views"]["steered"][0]["distribution"] = "cauchy"; }))
            << "field 'views.steered[0].distribution' is \"cauchy\", expected one of \"uniform\", "
               "\"normal\"";
        QTest::newRow("short vector") << QString::fromStdString(edited([](J &d) {
            d["direction_sets"][0]["vectors"][1] = {1, 2};
        })) << "field 'direction_sets[0].vectors[1]' expected 64 numbers (latent_size)";
        // Found by fuzz_recipe: 1e300 parsed, became inf as a float, and saved as null.
        QTest::newRow("vector beyond float")
            << QString::fromStdString(
                   edited([](J &d) { d["direction_sets"][0]["vectors"][1][0] = 1e300; }))
            << "field 'direction_sets[0].vectors[1][0]' is number 1e+300, expected a number within "
               "float "
               "range";
        QTest::newRow("deep") << QString(200, '[') + QString(200, ']')
                              << "nested more than 32 levels deep at byte 32";
        // Found by fuzz_recipe: nlohmann throws out_of_range, not parse_error.
        QTest::newRow("number overflow")
            << "{\"schema_version\": -1.5e919296265}"
            << "recipe r.json: not valid JSON ([json.exception.out_of_range.406] number overflow "
               "parsing '-1.5e919296265')";
        QTest::newRow("huge") << QString("{\"name\": \"%1\"}").arg(QString(17 << 20, 'x'))
                              << "bytes, expected at most 16777216";
    }

    void strictErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const QString error = errorOf(text.toStdString());
        QVERIFY2(error.startsWith("recipe r.json: "), qPrintable(error.left(300)));
        QVERIFY2(error.contains(message), qPrintable(error.left(300)));
    }

    void recipeMustFitTheGenerator()
    {
        ViewRecipe r = sampleRecipe();
        r.views.steered[0].direction = "nope";
        QVERIFY_THROWS_EXCEPTION(Error, r.checkAgainst(64, 10, "r"));
        r = sampleRecipe();
        r.anchors.classes = {12};
        try {
            r.checkAgainst(64, 10, "recipe r");
            QFAIL("class 12 accepted");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("holds 12, expected class indices in [0, 10)"));
        }
    }

    void viewsAreDeterministicAndShaped()
    {
        const auto gen = Generator::load(LATENT_DEFAULT_GENERATOR);
        const ViewRecipe r = sampleRecipe();
        at::Tensor classes;
        const auto a = generateViews(*gen, r, 5, 3, 11, ViewMode::Both, &classes);
        QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{5, 3, 1, 32, 32}));
        QVERIFY(a.min().item<float>() >= 0 && a.max().item<float>() <= 1);
        for (int i = 0; i < 5; ++i)
            QVERIFY(classes[i].item<int64_t>() == 1 || classes[i].item<int64_t>() == 7);
        QVERIFY(torch::equal(a, generateViews(*gen, r, 5, 3, 11)));
        QVERIFY(!torch::equal(a, generateViews(*gen, r, 5, 3, 12)));
    }

    void modesAndDiagnostics()
    {
        const auto gen = Generator::load(LATENT_DEFAULT_GENERATOR);
        ViewRecipe r = sampleRecipe();
        r.views.steered.clear();
        // Latent-only views with sigma 0 are copies of the anchor.
        r.views.sigma = 0.0f;
        const auto copies = generateViews(*gen, r, 4, 2, 1, ViewMode::LatentOnly);
        const auto anchors = anchorImages(*gen, r, 4, 1);
        QVERIFY(torch::allclose(copies.select(1, 0), anchors, 1e-5, 1e-5));
        const ViewDiagnostics trivial = diagnose(copies);
        QVERIFY(trivial.pixelDistancePositives < 1e-6);
        QVERIFY(trivial.pixelDistanceNegatives > 0.1);
        // Larger sigma: positives drift apart, but stay closer than negatives at 0.5.
        r.views.sigma = 0.5f;
        const ViewDiagnostics mid =
            diagnose(generateViews(*gen, r, 16, 2, 1, ViewMode::LatentOnly));
        QVERIFY(mid.pixelDistancePositives > 0.01);
        QVERIFY(mid.pixelDistancePositives < mid.pixelDistanceNegatives);
        QVERIFY(mid.cosinePositives > mid.cosineNegatives);
        // Pixel-only views share the anchor latent but differ in pixels.
        const auto pixel = generateViews(*gen, r, 4, 2, 1, ViewMode::PixelOnly);
        QVERIFY(!torch::allclose(pixel.select(1, 0), pixel.select(1, 1)));
        // The preview puts each anchor before its views.
        const ViewPreview preview = renderViewPreview(*gen, r, 3, 4, 2, ViewMode::Both);
        QCOMPARE(preview.columns, 5);
        QCOMPARE(preview.images.count, 15);
    }
};

QTEST_APPLESS_MAIN(TestRecipe)
#include "test_recipe.moc"
