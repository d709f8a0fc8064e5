// SPDX-License-Identifier: MIT
// Core, no display: view recipes (JSON round trip, strict errors) and views.
#include "error.h"
#include "errorof.h"
#include "generators/generator.h"
#include "views/directions.h"
#include "views/viewrecipe.h"
#include "views/views.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/types.h>
#include <torch/utils.h>

#include <nlohmann/json.hpp>

#include <cmath>

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

    // Floats are written as the shortest decimal that reads back as the same
    // float, not as the float's exact double value; a recipe written before
    // (tests/data/recipe-before-2026-12.json, a run's recipe.json whose run
    // recorded the hash of its bytes) still matches that hash.
    void floatsAsTheirShortestDecimal()
    {
        ViewRecipe r = sampleRecipe();
        r.views.renoise = 1.0f / 3;
        const std::string text = toJson(r);
        for (const char *written :
             {"\"sigma\": 0.3\n", "\"brightness\": 0.4,", "\"strength\": 0.33333334\n"})
            QVERIFY2(text.find(written) != std::string::npos, written);
        const std::size_t exact = text.find("0000000");
        if (exact != std::string::npos) QFAIL(text.substr(exact - 30, 60).c_str());
        const ViewRecipe back = recipeFromJson(text, "r.json");
        QCOMPARE(back.views.renoise, r.views.renoise);
        QCOMPARE(back.pixel.hue, r.pixel.hue);

        const std::string old = LATENT_TEST_DATA_DIR "/recipe-before-2026-12.json";
        const std::string recorded = sha256OfFile(old);
        const ViewRecipe before = readRecipe(old);
        QVERIFY(sha256OfBytes(toJson(before)) != recorded); // written the new way now
        QVERIFY(recipeHashMatches(before, recorded));
        QVERIFY(recipeHashMatches(before, sha256OfBytes(toJson(before))));
        ViewRecipe changed = before;
        changed.pixel.brightness = 0.5f;
        QVERIFY(!recipeHashMatches(changed, recorded));
    }

    void strictErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        using J = nlohmann::json;
        QTest::newRow("malformed") << "{\"schema_version\": 1,"
                                   << "recipe r.json: not valid JSON";
        QTest::newRow("direction set without directions")
            << QString::fromStdString(edited([](J &d) {
                   d["views"]["steered"] = J::array();
                   for (const char *key : {"labels", "scores", "vectors"})
                       d["direction_sets"][0][key] = J::array();
               }))
            << "field 'direction_sets[0].labels' is empty, expected a set of at least one "
               "direction";
        QTest::newRow("steer walk of no transform")
            << QString::fromStdString(
                   edited([](J &d) { d["direction_sets"][0]["method"] = "steer"; }))
            << "field 'direction_sets[0].labels[0]' is string \"random 0\", expected the transform "
               "a steer walk learned: zoom, shift_x";
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
    }

    // A file over the limit is refused from its size, before it is read; a
    // text over it before it is parsed.
    void hugeRecipe()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("huge.json"));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.resize(qint64(kMaxRecipeBytes) + 1)); // sparse
        f.close();
        QCOMPARE(test::errorOf([&] { readRecipe(f.fileName().toStdString()); }),
                 QString("recipe %1: file is 268435457 bytes, expected at most 268435456")
                     .arg(f.fileName()));
        QVERIFY(errorOf(std::string(kMaxRecipeBytes + 1, ' '))
                    .contains("bytes, expected at most 268435456"));
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
        // A set no walk uses is still a set of sliders: its size must fit too.
        r = sampleRecipe();
        DirectionSet other = randomDirections(100, 2, 3);
        other.name = "other";
        r.directionSets.push_back(other);
        try {
            r.checkAgainst(64, 10, "recipe r");
            QFAIL("a set of latent size 100 accepted for a generator of 64");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(
                         "direction set \"other\" has latent size 100 but the generator's is 64"),
                     e.what());
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
        QVERIFY(!preview.classPairs && std::isnan(preview.diagnostics.cosineClassPositives));
        QCOMPARE(preview.sampled, 3 * 5); // the anchors and their latent views
        QCOMPARE(renderViewPreview(*gen, r, 3, 4, 2, ViewMode::PixelOnly).sampled, 3);
    }

    // Class-conditional positives (SupCon) in the preview: rows come in
    // pairs of one class, and the diagnostics count a same-class pair as a
    // positive, never as a negative.
    void classPositivesInThePreview()
    {
        // Anchors 0 and 1 (class 0) are one image, anchors 2 and 3 others;
        // each anchor's two views are copies of it: [4, 2, 1, 4, 4].
        const auto a = torch::zeros({1, 4, 4}), b = torch::ones({1, 4, 4}),
                   c = torch::full({1, 4, 4}, 0.5f);
        const auto views = torch::stack({a, a, b, c}).unsqueeze(1).repeat({1, 2, 1, 1, 1});
        const ViewDiagnostics byClass = diagnose(views, torch::tensor({0, 0, 1, 2}));
        QVERIFY(byClass.pixelDistanceClassPositives < 1e-9);
        // Negatives: the 10 ordered pairs of other classes (a-b 1 four times,
        // a-c 0.5 four times, b-c 0.5 twice: mean 0.7); counted among them,
        // the two a-a pairs of one class made it 7 / 12.
        QVERIFY2(std::abs(byClass.pixelDistanceNegatives - 0.7) < 1e-6,
                 qPrintable(QString::number(byClass.pixelDistanceNegatives)));
        QVERIFY(std::isnan(diagnose(views, torch::tensor({0, 1, 2, 3})).cosineClassPositives));

        const auto gen = Generator::load(LATENT_DEFAULT_GENERATOR);
        ViewRecipe r = sampleRecipe();
        r.views.steered.clear();
        r.views.classPositives = true;
        const ViewPreview preview = renderViewPreview(*gen, r, 5, 2, 3, ViewMode::Both);
        QVERIFY(preview.classPairs);
        const auto classOfRow = [&](int row) { return preview.images.classes[row * 3]; };
        QCOMPARE(classOfRow(1), classOfRow(0));
        QCOMPARE(classOfRow(3), classOfRow(2));
        QVERIFY(!std::isnan(preview.diagnostics.cosineClassPositives));
        // Same-class images of the default generator are closer than other classes'.
        QVERIFY(preview.diagnostics.pixelDistanceClassPositives <
                preview.diagnostics.pixelDistanceNegatives);
    }
};

QTEST_APPLESS_MAIN(TestRecipe)
#include "test_recipe.moc"
