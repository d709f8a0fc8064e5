// SPDX-License-Identifier: MIT
// Core, no display: direction finding and pixel edits.
#include "atomicfile.h"
#include "convgenerator.h"
#include "denoiser.h"
#include "error.h"
#include "errorof.h"
#include "generators/generator.h"
#include "runtime.h"
#include "views/directions.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/script.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>

using namespace latent;

namespace {

at::Tensor matrixOf(const DirectionSet &s)
{
    std::vector<at::Tensor> rows;
    for (const auto &v : s.vectors)
        rows.push_back(torch::tensor(v));
    return torch::stack(rows);
}

void verifyOrthonormal(const DirectionSet &s)
{
    const auto m = matrixOf(s);
    const auto gram = m.mm(m.t());
    QVERIFY2(torch::allclose(gram, torch::eye(s.size()), 1e-4, 1e-4),
             "directions are not orthonormal");
}

} // namespace

class TestDirections : public QObject
{
    Q_OBJECT
    std::unique_ptr<Generator> m_gen;
private Q_SLOTS:
    void initTestCase()
    {
        configureRuntime(); // threads from OMP_NUM_THREADS; large blocks reused under ASan
        m_gen = Generator::load(LATENT_DEFAULT_GENERATOR);
    }

    void sefaMatchesClosedForm()
    {
        const DirectionSet s = sefaDirections(*m_gen, 6);
        QCOMPARE(s.size(), 6);
        QCOMPARE(s.latentSize, 64);
        QCOMPARE(s.params.at("parameter"),
                 std::string("fc.weight")); // z joined with the class embedding
        verifyOrthonormal(s);
        for (int i = 1; i < s.size(); ++i)
            QVERIFY(s.scores[i - 1] >= s.scores[i]);
        // Each direction is an eigenvector: ||A n||^2 equals its eigenvalue.
        at::Tensor a;
        for (const auto &[name, value] : m_gen->namedParameters())
            if (name == "fc.weight") a = value.slice(1, 0, 64);
        a = a / a.norm(2, {0}, true);
        const auto m = matrixOf(s);
        const auto energy = a.mm(m.t()).pow(2).sum(0);
        for (int i = 0; i < s.size(); ++i)
            QVERIFY(std::abs(energy[i].item<double>() - s.scores[i]) < 1e-3 * s.scores[i]);
        // Named parameter, and a clear error for a bad name.
        QCOMPARE(sefaDirections(*m_gen, 2, "fc.weight").size(), 2);
        QVERIFY_THROWS_EXCEPTION(Error, sefaDirections(*m_gen, 2, "no.such.weight"));
    }

    void sefaMatchesAKnownWeight()
    {
        // tests/data/known_projection.pt: A = [[1, 0.5], [0, sqrt(3)/2]] (unit
        // columns); A^T A = [[1, .5], [.5, 1]].
        const auto gen = Generator::load(LATENT_TEST_DATA_DIR "/known_projection.pt");
        const DirectionSet s = sefaDirections(*gen, 2);
        QCOMPARE(s.params.at("parameter"), std::string("proj.weight"));
        QVERIFY(std::abs(s.scores[0] - 1.5) < 1e-5 && std::abs(s.scores[1] - 0.5) < 1e-5);
        const float r = std::sqrt(0.5f);
        // Up to sign.
        QVERIFY(std::abs(std::abs(s.vectors[0][0]) - r) < 1e-5 &&
                s.vectors[0][0] * s.vectors[0][1] > 0);
        QVERIFY(std::abs(std::abs(s.vectors[1][0]) - r) < 1e-5 &&
                s.vectors[1][0] * s.vectors[1][1] < 0);
    }

    // DCGAN's first layer is a transposed convolution taking z as
    // [N, latent, 1, 1]: each of its outputs is linear in z, so SeFa
    // factorises it flattened. A generator without any such layer is refused
    // with the reason.
    void sefaFactorisesATransposedConvolution()
    {
        QTemporaryDir dir;
        const auto dcgan =
            Generator::load(test::writeConvGenerator(dir.path().toStdString(), true));
        QCOMPARE(sefaCandidates(*dcgan), std::vector<std::string>{"up_weight"});
        const DirectionSet s = sefaDirections(*dcgan, 2);
        QCOMPARE(s.params.at("parameter"), std::string("up_weight"));
        QVERIFY2(std::abs(s.scores[0] - 1.5) < 1e-5 && std::abs(s.scores[1] - 0.5) < 1e-5,
                 qPrintable(QString("%1 %2").arg(s.scores[0]).arg(s.scores[1])));
        const float r = std::sqrt(0.5f);
        QVERIFY(std::abs(std::abs(s.vectors[0][0]) - r) < 1e-5 &&
                s.vectors[0][0] * s.vectors[0][1] > 0);

        const auto weightless =
            Generator::load(test::writeConvGenerator(dir.path().toStdString(), false));
        QVERIFY(sefaCandidates(*weightless).empty());
        QString e = test::errorOf([&] { sefaDirections(*weightless, 2); });
        QVERIFY2(e.contains("has no linear weight with at least 16 inputs, nor a transposed "
                            "convolution"),
                 qPrintable(e));
        const auto diffusion = Generator::load(LATENT_TEST_DATA_DIR "/diffusion.pt");
        QVERIFY(sefaCandidates(*diffusion).empty()); // its time and label weights are not z's

        // A latent too large for SeFa's latent x latent eigendecomposition.
        torch::jit::Module wide("wide");
        wide.register_parameter("fc_weight", torch::zeros({16, kMaxSefaLatent + 8}), false);
        wide.define(
            "def forward(self, z):\n"
            "    return torch.tanh(torch.matmul(z, self.fc_weight.t())).view(-1, 1, 4, 4)\n");
        const std::string pt = dir.filePath("wide.pt").toStdString();
        wide.save(pt);
        writeFileAtomically(dir.filePath("wide.json").toStdString(),
                            R"({"schema_version": 1, "name": "wide", "latent_size": )" +
                                std::to_string(kMaxSefaLatent + 8) +
                                R"(, "num_classes": 0, "channels": 1, "resolution": 4, )"
                                R"("output_range": [-1, 1], "call": "z"})");
        const auto gan = Generator::load(pt);
        QCOMPARE(sefaCandidates(*gan), std::vector<std::string>{"fc_weight"});
        e = test::errorOf([&] { sefaDirections(*gan, 2); });
        QVERIFY2(e.contains("has a latent of 8200 values, and SeFa factorises a latent x latent "
                            "matrix (at most 8192)"),
                 qPrintable(e));
    }

    // A 256 px colour diffusion model (x_T of 196,608 values) loads and
    // samples; 1,024 px is refused with the limit. PCA that would not fit in
    // memory is refused before sampling, naming the count that would.
    void largeDiffusionModelsAndPcaMemory()
    {
        QTemporaryDir dir;
        const auto big =
            Generator::load(latent::test::writeDenoiser(dir.path().toStdString(), 3, 256));
        QCOMPARE(big->info().latentSize, 3 * 256 * 256);
        SamplerSettings quick = big->samplerSettings();
        quick.steps = 2;
        big->setSamplerSettings(quick);
        const ImageBatch one = big->sample({1, 1, 0.0f, SampleRequest::kUniformClasses});
        QCOMPARE(one.width, 256);
        QCOMPARE(one.channels, 3);
        QString e = test::errorOf([&] {
            Generator::load(latent::test::writeDenoiser(dir.path().toStdString(), 3, 1024));
        });
        QVERIFY2(e.contains("gives a starting noise of 3145728 values, more than 786432 (3 x 512 "
                            "x 512)"),
                 qPrintable(e));
        // 8 bytes x (3 x 196,608 pixels + 196,608 latent values) per sample.
        e = test::errorOf([&] { pcaDirections(*big, 4, 10000, 1); });
        QVERIFY2(e.contains("PCA: 10000 samples of 3 x 256 x 256 images take about 59 GiB in "
                            "double precision, more than 4 GiB; use at most 682 samples"),
                 qPrintable(e));
    }

    void pcaExplainsDecreasingVariance()
    {
        int calls = 0;
        const DirectionSet s = pcaDirections(*m_gen, 4, 2000, 3, [&](float, const std::string &) {
            ++calls;
            return true;
        });
        QCOMPARE(s.size(), 4);
        QVERIFY(calls >= 4);
        double total = 0;
        for (int i = 0; i < 4; ++i) {
            QVERIFY(s.scores[i] > 0);
            if (i) QVERIFY(s.scores[i - 1] >= s.scores[i]);
            total += s.scores[i];
            QVERIFY(std::abs(torch::tensor(s.vectors[i]).norm().item<double>() - 1) < 1e-4);
        }
        QVERIFY(total < 1.0);
        // Cancelling stops the work.
        QVERIFY_THROWS_EXCEPTION(
            Cancelled,
            pcaDirections(*m_gen, 4, 2000, 3, [](float, const std::string &) { return false; }));
        // A diffusion model reports (and can be cancelled) every 16 samplings.
        QTemporaryDir dir;
        const auto diffusion =
            Generator::load(latent::test::writeDenoiser(dir.path().toStdString(), 1, 8));
        std::vector<std::string> reports;
        pcaDirections(*diffusion, 2, 40, 3, [&](float, const std::string &what) {
            reports.push_back(what);
            return true;
        });
        QCOMPARE(reports, (std::vector<std::string>{"sampled 16/40", "sampled 32/40",
                                                    "sampled 40/40", "done"}));
    }

    void randomIsOrthonormalAndSeeded()
    {
        const DirectionSet a = randomDirections(64, 10, 5), b = randomDirections(64, 10, 5);
        verifyOrthonormal(a);
        QVERIFY(a.vectors == b.vectors);
        QVERIFY(randomDirections(64, 10, 6).vectors != a.vectors);
        QVERIFY_THROWS_EXCEPTION(Error, randomDirections(64, 65, 0));
    }

    void editsDoWhatTheySay()
    {
        // A bright square in the centre of a dark 16x16 image.
        auto img = torch::full({1, 1, 16, 16}, -1.0f);
        img.slice(2, 6, 10).slice(3, 6, 10).fill_(1.0f);
        at::Tensor mask;
        // Shift right by one quarter width (4 px): the square moves to columns 10..13.
        const auto shifted = applyEdit(img, SteerTransform::ShiftX, torch::tensor({1.0f}), &mask);
        QVERIFY(shifted[0][0][8][11].item<float>() > 0.9f);
        QVERIFY(shifted[0][0][8][7].item<float>() < -0.9f);
        QCOMPARE(mask[0][0][8][1].item<float>(), 0.0f); // uncovered on the left
        QCOMPARE(mask[0][0][8][12].item<float>(), 1.0f);
        // Zoom in by 2: the square doubles its width.
        const auto zoomed =
            applyEdit(img, SteerTransform::Zoom, torch::tensor({std::log(2.0f)}), &mask);
        QVERIFY((zoomed[0][0][8] > 0).sum().item<int>() >= 7);
        QCOMPARE(mask.min().item<float>(), 1.0f); // zooming in leaves nothing undefined
        // Brightness adds alpha and clamps.
        const auto brighter = applyEdit(img, SteerTransform::Brightness, torch::tensor({0.5f}));
        QCOMPARE(brighter[0][0][0][0].item<float>(), -0.5f);
        QCOMPARE(brighter[0][0][8][8].item<float>(), 1.0f);
    }

    void steeringLowersTheLoss()
    {
        SteerOptions o;
        o.transforms = {SteerTransform::Zoom};
        o.steps = 300;
        o.batch = 8;
        o.seed = 4;
        std::vector<double> losses;
        const DirectionSet s = learnSteeringWalks(*m_gen, o, [&](float, const std::string &status) {
            losses.push_back(std::stod(status.substr(status.rfind("loss ") + 5)));
            return true;
        });
        QCOMPARE(s.labels, std::vector<std::string>{"zoom"});
        QCOMPARE(int(losses.size()), 300);
        const double first = losses[0]; // the loss of the random initialisation
        // The walk at least halves it.
        QVERIFY2(s.scores[0] < 0.5 * first,
                 qPrintable(QString("first %1 final %2").arg(first).arg(s.scores[0])));
        const ImageBatch strip = directionStrips(*m_gen, s, 5, 3.0f, 1);
        QCOMPARE(strip.count, 5);
        // Rows come one at a time, and the caller can stop after any: the
        // studio shows them as they come and drops strips no longer wanted.
        const DirectionSet three = randomDirections(m_gen->info().latentSize, 3, 2);
        std::vector<int> seen;
        const ImageBatch two =
            directionStrips(*m_gen, three, 5, 3.0f, 1, -1, [&](const ImageBatch &rows) {
                seen.push_back(rows.count);
                return rows.count < 10;
            });
        QCOMPARE(seen, (std::vector<int>{5, 10}));
        QCOMPARE(two.count, 10);
        const ImageBatch all = directionStrips(*m_gen, three, 5, 3.0f, 1, -1);
        QVERIFY(all.slice(0, 10).pixels == two.pixels);
    }

    // What a walk step keeps is measured per image and sampler step, agrees
    // with a whole batch through the whole sampler, and a walk that would
    // not fit is refused before its first step, naming what to lower.
    void walkMemoryIsMeasuredAndGuarded()
    {
        QTemporaryDir dir;
        const auto diffusion =
            Generator::load(latent::test::writeDenoiser(dir.path().toStdString(), 3, 64, 16));
        SamplerSettings sampler = diffusion->samplerSettings();
        sampler.steps = 6;
        diffusion->setSamplerSettings(sampler);
        SteerOptions o;
        o.transforms = {SteerTransform::Zoom};
        o.steps = 1;
        o.batch = 4;
        const WalkMemory memory = estimateWalkMemory(*diffusion, o);
        QCOMPARE(memory.calls, 6);
        QCOMPARE(memory.batch, 4);
        const auto &info = diffusion->info();
        // At least the image each call keeps for the next one's backward.
        QVERIFY(memory.perImageCall >=
                std::size_t(info.channels) * info.resolution * info.resolution * sizeof(float));
        std::size_t kept = 0;
        {
            const auto z = torch::randn({4, info.latentSize}).requires_grad_(true);
            const std::size_t before = heapBytesInUse();
            const auto images = diffusion->generate(z, torch::full({4}, -1, torch::kInt64));
            kept = heapBytesInUse() - before;
        }
        QVERIFY2(memory.total() > kept / 2 && memory.total() < kept * 2,
                 qPrintable(QString("estimate %1, measured %2").arg(memory.total()).arg(kept)));

        o.memoryLimit = memory.total() / 2;
        QString e = test::errorOf([&] { learnSteeringWalks(*diffusion, o); });
        QVERIFY2(e.contains("(batch 4 x 6 sampler steps x ") &&
                     e.contains("MiB per image and step, measured)") &&
                     e.contains("is the limit; lower the walk's sampler steps (the Explore "
                                "tab's \"Walk sampler steps\", or --walk-sampler-steps)"),
                 qPrintable(e));
        o.memoryLimit = memory.total() * 2;
        QCOMPARE(learnSteeringWalks(*diffusion, o).size(), 1);

        // A walk learned through a few sampler steps: memory and the walk as
        // with the generator's own sampler at that many steps, recorded in
        // the set; the generator's settings are left as they were.
        o.memoryLimit = 0;
        o.samplerSteps = 2;
        QCOMPARE(estimateWalkMemory(*diffusion, o).calls, 2);
        const DirectionSet fewSteps = learnSteeringWalks(*diffusion, o);
        QCOMPARE(fewSteps.params.at("sampler_steps"), std::string("2"));
        QCOMPARE(diffusion->samplerSettings().steps, 6);
        o.samplerSteps = 0;
        const DirectionSet sixSteps = learnSteeringWalks(*diffusion, o);
        QCOMPARE(sixSteps.params.at("sampler_steps"), std::string("6"));
        sampler.steps = 2;
        diffusion->setSamplerSettings(sampler);
        const DirectionSet twoSteps = learnSteeringWalks(*diffusion, o);
        QVERIFY(fewSteps.vectors == twoSteps.vectors);
        QVERIFY(fewSteps.vectors != sixSteps.vectors);
        o.samplerSteps = diffusion->info().diffusion.timesteps + 1;
        e = test::errorOf([&] { learnSteeringWalks(*diffusion, o); });
        QVERIFY2(e.contains("walk sampler steps " + QString::number(o.samplerSteps) +
                            " is above the model's"),
                 qPrintable(e));

        const WalkMemory gan = estimateWalkMemory(*m_gen, o);
        QCOMPARE(gan.calls, 1);
        o.memoryLimit = 1;
        e = test::errorOf([&] { learnSteeringWalks(*m_gen, o); });
        QVERIFY2(e.contains("(batch 4 x ") && e.contains(" per image, measured)") &&
                     e.contains("lower the batch (latent-cli directions --batch)"),
                 qPrintable(e));
    }
};

QTEST_APPLESS_MAIN(TestDirections)
#include "test_directions.moc"
