// SPDX-License-Identifier: MIT
// Core, no display: the SupCon / SimCLR loss against its formula, and the
// mixed precision around it (autocast, fp16 loss scaling).
#include "error.h"
#include "train/contrastive.h"
#include "train/mixedprecision.h"

#include <QtTest>

#include <torch/nn/functional.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>
#include <limits>

using namespace latent;

namespace {

// The formula of docs, loop by loop in double precision.
double reference(const at::Tensor &features, const std::vector<int64_t> &labels, double tau,
                 double tauB)
{
    const int64_t b = features.size(0), v = features.size(1), n = b * v;
    const auto f = features.reshape({n, -1}).to(torch::kFloat64);
    const auto sim = f.mm(f.t());
    const auto dot = [&](int64_t i, int64_t j) { return sim[i][j].item<double>(); };
    const auto id = [&](int64_t i) { return labels.empty() ? i / v : labels[i / v]; };
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
        double denominator = 0;
        for (int64_t a = 0; a < n; ++a)
            if (a != i) denominator += std::exp(dot(i, a) / tau);
        double sum = 0;
        int count = 0;
        for (int64_t p = 0; p < n; ++p)
            if (p != i && id(p) == id(i))
                sum += std::log(std::exp(dot(i, p) / tau) / denominator), ++count;
        if (count > 0) total += -(tau / tauB) * sum / count;
    }
    return total / n;
}

at::Tensor randomFeatures(int64_t b, int64_t v, int64_t d, int seed)
{
    torch::manual_seed(seed);
    return torch::nn::functional::normalize(torch::randn({b, v, d}),
                                            torch::nn::functional::NormalizeFuncOptions().dim(2));
}

} // namespace

class TestContrastive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void simclrMatchesFormula()
    {
        const auto f = randomFeatures(6, 2, 16, 1);
        const double got = supConLoss(f, {}, 0.1, 0.07).item<double>();
        const double want = reference(f, {}, 0.1, 0.07);
        QVERIFY2(std::abs(got - want) < 1e-5, qPrintable(QString("%1 vs %2").arg(got).arg(want)));
    }

    void supconMatchesFormula()
    {
        const auto f = randomFeatures(8, 3, 12, 2);
        const std::vector<int64_t> labels{0, 1, 0, 2, 1, 1, 3, 0};
        const double got = supConLoss(f, torch::tensor(labels), 0.5, 0.5).item<double>();
        QVERIFY(std::abs(got - reference(f, labels, 0.5, 0.5)) < 1e-5);
    }

    void anchorsWithoutPositivesContributeZero()
    {
        // One view per sample and distinct labels for some: those anchors
        // have no positive at all.
        const auto f = randomFeatures(5, 1, 8, 3);
        const std::vector<int64_t> labels{0, 0, 1, 2, 2};
        const double got = supConLoss(f, torch::tensor(labels), 0.1, 0.07).item<double>();
        QVERIFY(std::isfinite(got));
        QVERIFY(std::abs(got - reference(f, labels, 0.1, 0.07)) < 1e-5);
        // No positives anywhere: zero, not NaN.
        QCOMPARE(supConLoss(f, torch::arange(5), 0.1, 0.07).item<double>(), 0.0);
    }

    void gradientsFlow()
    {
        auto f = randomFeatures(4, 2, 8, 4).requires_grad_(true);
        supConLoss(f, {}).backward();
        QVERIFY(f.grad().defined() && f.grad().abs().sum().item<double>() > 0);
    }

    // fp16 loss scaling: gradients come back unscaled, an overflow skips the
    // step and halves the scale, good steps in a row double it.
    void lossScalingSkipsOverflowedSteps()
    {
        GradScaler scaler(true, 1024.0, 3);
        auto p = torch::zeros({3}, torch::requires_grad());
        const auto w = torch::tensor({0.5f, -2.0f, 3.0f});
        scaler.scaled((p * w).sum()).backward();
        QCOMPARE(p.grad()[1].item<float>(), -2048.0f);
        QVERIFY(scaler.unscale({p}));
        QVERIFY(p.grad().equal(w));
        for (int i = 0; i < 3; ++i)
            scaler.update(true);
        QCOMPARE(scaler.scale(), 2048.0);

        p.mutable_grad() = torch::tensor({1.0f, std::numeric_limits<float>::infinity(), 0.0f});
        QVERIFY(!scaler.unscale({p}));
        scaler.update(false);
        QCOMPARE(scaler.scale(), 1024.0);
        scaler.update(true);
        scaler.update(true); // two good steps after the overflow: not yet three
        QCOMPARE(scaler.scale(), 1024.0);

        GradScaler resumed(true, 65536.0, 3);
        resumed.setState(scaler.state());
        QCOMPARE(resumed.scale(), 1024.0);
        resumed.update(true); // the third good step in a row, counted across the checkpoint
        QCOMPARE(resumed.scale(), 2048.0);
        QVERIFY_THROWS_EXCEPTION(Error, resumed.setState(torch::tensor({0.0, 0.0})));
    }

    void disabledScalerChangesNothing()
    {
        GradScaler scaler(false);
        auto p = torch::ones({2}, torch::requires_grad());
        scaler.scaled(p.sum() * 3).backward();
        QVERIFY(scaler.unscale({p}));
        QVERIFY(p.grad().equal(torch::full({2}, 3.0f)));
        scaler.update(false);
        QCOMPARE(scaler.scale(), 1.0);
    }

    void precisionFollowsTheDevice()
    {
        const RunDevice cpu;
        QVERIFY(choosePrecision("fp32", cpu, "test") == Precision::Fp32);
        QVERIFY(choosePrecision("auto", cpu, "test") ==
                (cpuHasBf16() ? Precision::Bf16 : Precision::Fp32));
        try {
            choosePrecision("fp16", cpu, "config x.json: runtime.precision");
            QFAIL("fp16 on a CPU was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("config x.json: runtime.precision is fp16, which "
                                                "needs a GPU"),
                     e.what());
        }
        if (!cpuHasBf16()) QVERIFY_THROWS_EXCEPTION(Error, choosePrecision("bf16", cpu, "test"));
        QVERIFY_THROWS_EXCEPTION(Error, choosePrecision("half", cpu, "test"));
    }

    void autocastCoversItsScopeOnly()
    {
        const auto a = torch::randn({4, 4});
        {
            Autocast scope(Precision::Bf16, torch::kCPU);
            QCOMPARE(a.mm(a).scalar_type(), at::kBFloat16);
            {
                Autocast plain(Precision::Fp32, torch::kCPU);
                QCOMPARE(a.mm(a).scalar_type(), at::kBFloat16); // fp32 adds nothing
            }
        }
        QCOMPARE(a.mm(a).scalar_type(), at::kFloat);
    }
};

QTEST_APPLESS_MAIN(TestContrastive)
#include "test_contrastive.moc"
