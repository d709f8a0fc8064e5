// SPDX-License-Identifier: MIT
// Core, no display: the SupCon / SimCLR loss against its formula.
#include "contrastive.h"

#include <QtTest>

#include <torch/torch.h>

#include <cmath>

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
};

QTEST_APPLESS_MAIN(TestContrastive)
#include "test_contrastive.moc"
