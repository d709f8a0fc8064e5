// SPDX-License-Identifier: MIT
#pragma once

#include "generators/generatorinfo.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace at {
class Tensor;
}

namespace latent {

// One line of the load-time validation report.
struct ReportLine
{
    enum class Kind { Check, Assumption, Warning };
    Kind kind;
    std::string text;
};

struct SampleRequest
{
    int count = 16;
    std::uint64_t seed = 1;
    // Each latent coordinate is drawn from N(0, 1) truncated to
    // [-truncation, truncation]; 0 (or less) means no truncation.
    float truncation = 2.0f;
    // kUniformClasses: drawn uniformly; kCycleClasses: sample i has class
    // i mod numClasses (one class per grid column); >= 0: that class.
    int classIndex = kUniformClasses;

    static constexpr int kUniformClasses = -1;
    static constexpr int kCycleClasses = -2;
};

// Images ready for display or saving: [N, H, W, C] bytes, C = 1 or 3.
struct ParameterShape
{
    std::string name; // dotted, as TorchScript names it
    std::vector<int64_t> sizes;
};

struct ImageBatch
{
    int count = 0;
    int height = 0;
    int width = 0;
    int channels = 0;
    std::vector<std::uint8_t> pixels;
    std::vector<int> classes; // N entries, -1 for unconditional generators

    const std::uint8_t *image(int i) const { return pixels.data() + imageBytes() * i; }
    // Images [first, first + n) as a batch of their own.
    ImageBatch slice(int first, int n) const;
    std::size_t imageBytes() const { return static_cast<std::size_t>(height) * width * channels; }
};

// Images [N, C, H, W] (any device and type) with values in [lo, hi] as
// bytes, classes -1.
ImageBatch toImageBatch(const at::Tensor &images, float lo = 0, float hi = 1);

// A TorchScript generator and its sidecar, validated at load. Thread-safe:
// forward passes are serialised by an internal mutex.
class Generator
{
public:
    // Loads `ptPath` and the sidecar beside it (same base name, .json), then
    // runs one small batch to check shape, dtype, range, finiteness and the
    // call signature. Without a sidecar the module is probed and what was
    // inferred is listed in report() as assumptions.
    // Throws latent::Error naming the file and the field on any mismatch.
    // `deviceSetting` (runtime.h chooseDevice) places it: "auto" takes the
    // GPU where there is one, a training run passes its own device.
    static std::unique_ptr<Generator> load(const std::string &ptPath,
                                           const std::string &deviceSetting = "auto");
    ~Generator();

    const GeneratorInfo &info() const;
    const std::vector<ReportLine> &report() const;
    const std::string &path() const;
    std::string sidecarPath() const;
    bool hasSidecar() const;
    std::string deviceName() const;

    // Latents [N, latentSize] float32 and classes [N] int64 for a request,
    // deterministic in the seed. Classes are all -1 for an unconditional model.
    at::Tensor sampleLatents(const SampleRequest &request) const;
    at::Tensor sampleClasses(const SampleRequest &request) const;

    // G(z[, y]) -> [N, C, H, W] float32 on the CPU, in the sidecar's output
    // range. Runs without autograd unless the caller enables it.
    // A diffusion generator samples with `sampler` when given (a recipe's
    // settings), else with samplerSettings(); a GAN ignores it.
    at::Tensor generate(const at::Tensor &z, const at::Tensor &y,
                        const SamplerSettings *sampler = nullptr) const;
    // The same on the generator's device (a GPU's images stay there, for
    // views made and augmented on it).
    at::Tensor generateOnDevice(const at::Tensor &z, const at::Tensor &y,
                                const SamplerSettings *sampler = nullptr) const;
    // A tensor moved to the generator's device (images read back from a
    // cache join the ones it renders).
    at::Tensor toDevice(const at::Tensor &t) const;

    // Diffusion generators: images x0 [N, C, H, W] (output range, on the
    // generator's device) re-noised to `strength` with noise [N, C, H, W]
    // and denoised again (core/generators/diffusion.h renoiseAndDenoise).
    at::Tensor renoiseOnDevice(const at::Tensor &x0, const at::Tensor &y, const at::Tensor &noise,
                               float strength, const SamplerSettings *sampler = nullptr) const;
    // Diffusion generators: how generate() samples (the sidecar's defaults
    // at load). Setting them is thread-safe; throws Error on steps outside
    // 1..T, eta outside [0, 1], or guidance without the model's null class.
    // Latents then give other images: a run or an export keeps the settings
    // it started with only if nobody changes them.
    SamplerSettings samplerSettings() const;
    void setSamplerSettings(const SamplerSettings &settings) const;
    void checkSamplerSettings(const SamplerSettings &settings) const; // throws Error

    // The module's parameters by dotted name (CPU tensors, no gradient), for
    // closed-form direction finding such as SeFa.
    std::vector<std::pair<std::string, at::Tensor>> namedParameters() const;
    // Their names and shapes, read at load: no copy, no wait for a running
    // batch (the UI thread lists SeFa's candidates from them).
    const std::vector<ParameterShape> &parameterShapes() const;
    // A copy of one parameter (CPU); throws Error naming a missing one.
    at::Tensor parameter(const std::string &name) const;

    // Plain-data forms for the UI (no torch types): latents flattened
    // [N * latentSize], and images for given latents and classes (-1 for
    // unconditional generators).
    std::vector<float> latentValues(const SampleRequest &request) const;
    ImageBatch render(const std::vector<float> &latents, const std::vector<int> &classes) const;

    // sampleLatents + generate + conversion to bytes, without autograd.
    ImageBatch sample(const SampleRequest &request) const;
    ImageBatch toImages(const at::Tensor &images, const at::Tensor &classes) const;

    // Every later model call throws Cancelled (views/directions.h), running
    // batches included at their next sampler step or chunk: for a window
    // that closes with minutes of sampling queued on a diffusion model, so
    // that its workers end now rather than after the queue. For good.
    void abandon() const;

private:
    struct Impl;
    explicit Generator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

// The sidecar path for a generator file: same base name, .json.
std::string sidecarPathFor(const std::string &ptPath);

} // namespace latent
