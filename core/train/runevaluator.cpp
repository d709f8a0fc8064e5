// SPDX-License-Identifier: MIT
#include "train/runevaluator.h"

#include "atomicfile.h"
#include "jsonfields.h"
#include "train/encoder.h"

#include <array>
#include <filesystem>

namespace latent {
namespace {

using json::Json;

// Floors of the fit / validation / test protocol with validation values and
// the random-init encoder's global-pool probe; older files (protocol 1
// fitted on the whole train split, 2 without validation values, 3 without
// the global pool) are measured again, and so are floors of another
// validation part (a val/ folder added or removed; files written before it
// was recorded were carved from train).
constexpr int kFloorsProtocol = 4;
constexpr std::array<const char *, 10> kFloorKeys = {
    "random_probe",        "random_knn",
    "pixel_probe",         "pixel_knn",
    "random_val_probe",    "random_val_knn",
    "pixel_val_probe",     "pixel_val_knn",
    "random_probe_global", "random_val_probe_global"};

std::array<double *, 10> floorFields(Floors &f)
{
    return {&f.randomProbe,       &f.randomKnn,           &f.pixelProbe,    &f.pixelKnn,
            &f.randomValProbe,    &f.randomValKnn,        &f.pixelValProbe, &f.pixelValKnn,
            &f.randomProbeGlobal, &f.randomValProbeGlobal};
}

} // namespace

RunEvaluator::RunEvaluator(std::shared_ptr<EvalData> data, const TrainConfig &config)
    : m_data(std::move(data)), m_probeTrain(config.probeTrain),
      m_probeValidation(config.probeValidation), m_knnK(config.knnK)
{
}

MetricRow RunEvaluator::measure(EncoderImpl &encoder, const std::string &kind, int step,
                                double wall, const std::atomic<bool> *cancel,
                                const EncodeProgress &progress) const
{
    const bool online = kind == "online";
    const EvalResult r = evaluateEncoder(encoder, *m_data, online ? m_probeTrain : 0,
                                         online ? m_probeValidation : 0, m_knnK, cancel, progress);
    MetricRow e;
    e.kind = kind;
    e.step = step;
    e.probe = r.probe;
    e.knn = r.knn;
    e.probeGlobal = r.probeGlobal;
    e.valProbe = r.valProbe;
    e.valKnn = r.valKnn;
    e.valProbeGlobal = r.valProbeGlobal;
    e.wallSeconds = wall;
    return e;
}

EmbeddingSnapshot RunEvaluator::embedding(EncoderImpl &encoder, const std::string &kind,
                                          int step) const
{
    const Embedding2d pca = pcaEmbedding(encoder, *m_data, kEmbeddingPoints);
    EmbeddingSnapshot snap;
    snap.step = step;
    snap.kind = kind;
    snap.x = pca.x;
    snap.y = pca.y;
    snap.labels = pca.labels;
    // On the CPU: they index the byte store, which never leaves it.
    const auto idx = torch::tensor(std::vector<int64_t>(pca.indices.begin(), pca.indices.end()));
    snap.images = toImageBatch(m_data->images(m_data->validationSplit(), idx));
    snap.images.classes = pca.labels;
    return snap;
}

Floors RunEvaluator::floors(EncoderImpl &fresh, const std::string &cacheFile) const
{
    Floors f;
    if (std::filesystem::exists(cacheFile)) {
        const std::string what = "floors " + cacheFile;
        const Json j = json::parse(readFileCapped(cacheFile, what, 1 << 16), what, 1 << 16);
        const json::Object o(j, what, "");
        const std::string part =
            o.has("validation_part") ? o.string("validation_part") : kCarvedValidationPart;
        if (o.has("protocol") && o.integer("protocol", 1, 1000) == kFloorsProtocol &&
            part == m_data->validationPart()) {
            for (std::size_t i = 0; i < kFloorKeys.size(); ++i)
                *floorFields(f)[i] = o.number(kFloorKeys[i], 0, 1);
            return f;
        }
    }
    const EvalResult random = evaluateEncoder(fresh, *m_data, 0, 0, m_knnK);
    const EvalResult pixels = evaluatePixels(*m_data, m_knnK);
    f = {random.probe,  random.knn,      pixels.probe,  pixels.knn,         random.valProbe,
         random.valKnn, pixels.valProbe, pixels.valKnn, random.probeGlobal, random.valProbeGlobal};
    Json j = {{"protocol", kFloorsProtocol}, {"validation_part", m_data->validationPart()}};
    for (std::size_t i = 0; i < kFloorKeys.size(); ++i)
        j[kFloorKeys[i]] = *floorFields(f)[i];
    writeFileAtomically(cacheFile, j.dump(2) + "\n");
    return f;
}

std::string RunEvaluator::protocolJson() const
{
    return evaluationProtocolJson(*m_data, m_knnK);
}

} // namespace latent
