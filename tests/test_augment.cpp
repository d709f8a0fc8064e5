// SPDX-License-Identifier: MIT
// Core, no display: each pixel augmentation does what it says.
#include "views/augment.h"
#include "views/viewrecipe.h"

#include <QtTest>

#include <torch/types.h>
#include <torch/utils.h>

using namespace latent;

namespace {

// Everything off; each test turns one augmentation on.
ViewRecipe::Pixel none()
{
    ViewRecipe::Pixel p;
    p.cropP = p.flipP = p.jitterP = p.grayscaleP = p.blurP = 0.0f;
    return p;
}

// [N, 3, 16, 16] in [0, 1] with structure: a horizontal ramp, a bright square.
at::Tensor testImages(int n = 4)
{
    auto ramp = torch::linspace(0.1, 0.9, 16).view({1, 1, 1, 16}).expand({n, 3, 16, 16}).clone();
    ramp.slice(2, 4, 8).slice(3, 2, 6).fill_(1.0f);
    ramp.select(1, 0).mul_(0.5); // some colour
    return ramp;
}

} // namespace

class TestAugment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deterministicAndInRange()
    {
        const ViewRecipe::Pixel p; // SimCLR defaults, all on
        ViewRecipe::Pixel withBlur = p;
        withBlur.blurP = 0.5f;
        const auto x = testImages(8);
        const auto a = augmentPixels(x, withBlur, 7), b = augmentPixels(x, withBlur, 7);
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, augmentPixels(x, withBlur, 8)));
        QCOMPARE(a.sizes(), x.sizes());
        QVERIFY(a.min().item<float>() >= 0.0f && a.max().item<float>() <= 1.0f);
        // Independent per image: the same input gives different outputs.
        QVERIFY(!torch::allclose(a[0], a[1]));
    }

    void nothingOnIsIdentity()
    {
        const auto x = testImages();
        QVERIFY(torch::allclose(augmentPixels(x, none(), 1), x, 1e-5, 1e-5));
    }

    void flipFlips()
    {
        auto p = none();
        p.flipP = 1.0f;
        const auto x = testImages();
        QVERIFY(torch::allclose(augmentPixels(x, p, 1), x.flip({3}), 1e-5, 1e-5));
    }

    void cropZoomsIntoAQuarter()
    {
        auto p = none();
        p.cropP = 1.0f;
        p.cropScale = {0.25f, 0.25f};
        p.cropRatio = {1.0f, 1.0f};
        const auto x = testImages(16);
        const auto y = augmentPixels(x, p, 3);
        // Half the side shown at full size: each output pixel steps half an
        // input pixel, so the ramp's slope per pixel halves.
        const auto slopeIn = (x.select(1, 1).select(1, 12).slice(1, 1, 16) -
                              x.select(1, 1).select(1, 12).slice(1, 0, 15))
                                 .mean();
        const auto row = y.select(1, 1).select(1, 12); // a row below the square
        const auto slopeOut = (row.slice(1, 3, 13) - row.slice(1, 2, 12)).median();
        QVERIFY2(std::abs(slopeOut.item<float>() / slopeIn.item<float>() - 0.5f) < 0.05f,
                 qPrintable(QString::number(slopeOut.item<float>() / slopeIn.item<float>())));
    }

    void brightnessScales()
    {
        auto p = none();
        p.jitterP = 1.0f;
        p.brightness = 0.4f;
        p.contrast = p.saturation = p.hue = 0.0f;
        const auto x = testImages(32) * 0.5;
        const auto ratio = augmentPixels(x, p, 5).mean({1, 2, 3}) / x.mean({1, 2, 3});
        QVERIFY(ratio.min().item<float>() >= 0.6f - 1e-4 &&
                ratio.max().item<float>() <= 1.4f + 1e-4);
        QVERIFY(ratio.max().item<float>() - ratio.min().item<float>() >
                0.3f); // factors vary per image
    }

    void contrastKeepsTheMeanAndScalesTheSpread()
    {
        auto p = none();
        p.jitterP = 1.0f;
        p.contrast = 0.5f;
        p.brightness = p.saturation = p.hue = 0.0f;
        const auto x = testImages(16) * 0.6 + 0.2;
        const auto y = augmentPixels(x, p, 9);
        const auto spread = y.std({1, 2, 3}) / x.std({1, 2, 3});
        QVERIFY(spread.min().item<float>() >= 0.5f - 1e-3 &&
                spread.max().item<float>() <= 1.5f + 1e-3);
        QVERIFY(spread.max().item<float>() - spread.min().item<float>() > 0.3f);
    }

    void grayscaleEqualisesChannels()
    {
        auto p = none();
        p.grayscaleP = 1.0f;
        const auto y = augmentPixels(testImages(), p, 2);
        QVERIFY(torch::allclose(y.select(1, 0), y.select(1, 1)) &&
                torch::allclose(y.select(1, 1), y.select(1, 2)));
        // One-channel images pass through untouched.
        const auto grey = testImages().slice(1, 0, 1);
        QVERIFY(torch::allclose(augmentPixels(grey, p, 2), grey));
    }

    void hueRotatesColourButKeepsLuminance()
    {
        auto p = none();
        p.jitterP = 1.0f;
        p.hue = 0.5f;
        p.brightness = p.contrast = p.saturation = 0.0f;
        auto x = torch::zeros({8, 3, 4, 4});
        x.select(1, 0).fill_(0.6f); // a mid red
        x.select(1, 1).fill_(0.3f);
        x.select(1, 2).fill_(0.3f);
        const auto y = augmentPixels(x, p, 4);
        const auto luma = [](const at::Tensor &t) {
            return 0.299 * t.select(1, 0) + 0.587 * t.select(1, 1) + 0.114 * t.select(1, 2);
        };
        QVERIFY(torch::allclose(luma(y), luma(x), 1e-3, 1e-3));
        QVERIFY((y - x).abs().max().item<float>() > 0.05f);
    }

    void blurSmooths()
    {
        auto p = none();
        p.blurP = 1.0f;
        p.blurSigma = {1.5f, 1.5f};
        const auto x = testImages();
        const auto y = augmentPixels(x, p, 6);
        // The square's edge is softened: less total variation, same mean.
        const auto tv = [](const at::Tensor &t) {
            return (t.slice(3, 1, 16) - t.slice(3, 0, 15)).abs().sum().item<float>();
        };
        QVERIFY(tv(y) < 0.8f * tv(x));
        QVERIFY(std::abs(y.mean().item<float>() - x.mean().item<float>()) < 0.02f);
    }
};

QTEST_APPLESS_MAIN(TestAugment)
#include "test_augment.moc"
