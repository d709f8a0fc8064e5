// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace latent {

// How the TorchScript module's forward() is called: without or with class
// indices y [N] int64. A GAN takes z [N, latent] float32; a diffusion
// denoiser takes x_t [N, C, H, W] float32 and t [N] int64.
enum class CallSignature {
    Z,  // forward(z) or forward(x_t, t)
    ZY, // forward(z, y) or forward(x_t, t, y)
};

enum class GeneratorKind { Gan, Diffusion };

// How a diffusion generator samples (core/generators/diffusion.h).
struct SamplerSettings
{
    int steps = 25;        // denoising steps, 1..T
    float guidance = 1.0f; // classifier-free guidance scale; 1: none
    float eta = 0.0f;      // 0: deterministic DDIM; > 0: stochastic, seeded by each x_T
};

// A diffusion generator's denoiser and sampler (sidecar schema 2, "kind":
// "diffusion"). Its latent is the starting noise x_T, flattened: latent size
// = channels * resolution * resolution.
struct DiffusionInfo
{
    enum class Prediction { Eps, V, X0 } prediction = Prediction::Eps;
    int timesteps = 1000;              // training timesteps T; t in [0, T)
    std::vector<double> alphasCumprod; // [T], from the schedule, decreasing in (0, 1)
    std::string schedule;              // in words, e.g. "linear beta 0.0001 to 0.02"
    int nullClass = -1;                // the class index meaning "no class" (guidance); -1: none
    SamplerSettings sampler;           // the defaults
};

// The JSON sidecar beside a generator (same base name, .json). Format and
// schema versions: docs/generator-format.md.
struct GeneratorInfo
{
    static constexpr int kSchemaVersion = 2; // 1: GANs only (still read)

    std::string name;
    int latentSize = 0;
    int numClasses = 0;                  // 0: unconditional
    std::vector<std::string> classNames; // optional; empty or numClasses entries
    int channels = 0;                    // 1 (grey) or 3 (RGB)
    int resolution = 0;                  // square images, pixels per side
    float outputMin = -1.0f;
    float outputMax = 1.0f;
    CallSignature call = CallSignature::Z;
    // Optional: the real dataset that matches the generator (a source as in
    // data/dataset.h; a relative folder is resolved against the sidecar's
    // folder), the default for the probe when this generator trains.
    std::string realData;
    GeneratorKind kind = GeneratorKind::Gan;
    DiffusionInfo diffusion; // kind Diffusion only

    bool isConditional() const { return numClasses > 0; }
    bool isDiffusion() const { return kind == GeneratorKind::Diffusion; }
    std::string className(int index) const;
    // The latent truncation a user starts from: 2 for a GAN (the usual
    // fidelity/diversity trade-off), none for a diffusion model, whose
    // latent x_T must have unit variance (a normal truncated to [-2, 2] has
    // sd 0.88: greyer, smoother, less varied images).
    float defaultTruncation() const { return isDiffusion() ? 0.0f : 2.0f; }
};

std::string toString(CallSignature call);
// "forward(z, y)", "forward(x_t, t)", ... for this generator's kind.
std::string callText(const GeneratorInfo &info);
const char *toString(DiffusionInfo::Prediction prediction); // eps, v, x0

// Parses and range-checks a sidecar. Throws latent::Error naming the file and
// the field, the value found and what was expected.
GeneratorInfo readSidecar(const std::string &path);
GeneratorInfo parseSidecar(const std::string &jsonText, const std::string &pathForMessages);

// Writes `info` as a sidecar (temporary file, then rename).
void writeSidecar(const GeneratorInfo &info, const std::string &path);

// Limits that keep a hostile sidecar from asking for absurd allocations: a
// GAN's z, and a diffusion model's x_T (channels x resolution^2: colour up to
// 512 px, so that 256 px pixel-space models load).
constexpr int kMaxLatentSize = 1 << 16;
constexpr int kMaxDiffusionLatentSize = 3 * 512 * 512;
constexpr int kMaxResolution = 4096;
constexpr int kMaxClasses = 100000;

} // namespace latent
