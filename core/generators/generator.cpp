// SPDX-License-Identifier: MIT
#include "generators/generator.h"

#include "error.h"
#include "generators/diffusion.h"
#include "generators/sampling.h"
#include "runtime.h"
#include "views/directions.h" // Cancelled

#include <ATen/CPUGeneratorImpl.h>
#include <torch/script.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>

namespace latent {

constexpr int64_t kGenerateChunk = 64;
// A diffusion model on the CPU samples sub-batches of this many images side
// by side, each on its share of the threads: a denoiser's small convolutions
// scale poorly over threads (the shipped UNet: 2 threads on a batch of 64
// about 1.2-1.4x one thread), independent batches nearly 2x; one thread
// makes 16 images a batch as fast per image as 64 (docs/throughput.md).
constexpr int64_t kDiffusionSubBatch = 16;
namespace fs = std::filesystem;

namespace {

constexpr int kProbeBatch = 4;
// The class stream is seeded apart from the latent stream so that choosing a
// class never changes the latents a seed gives.
constexpr std::uint64_t kClassSeedSalt = 0x9E3779B97F4A7C15ull;

std::string firstLine(const std::string &text)
{
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

// The useful line of a torch error: TorchScript interpreter errors carry a
// script traceback and end with "RuntimeError: <reason>".
std::string torchReason(const std::exception &e)
{
    const auto *c10 = dynamic_cast<const c10::Error *>(&e);
    const std::string text = c10 ? c10->what_without_backtrace() : e.what();
    const auto at = text.rfind("RuntimeError: ");
    if (at != std::string::npos) return firstLine(text.substr(at + 14));
    return firstLine(text);
}

std::string shapeString(const at::Tensor &t)
{
    std::ostringstream s;
    s << '[';
    for (int64_t i = 0; i < t.dim(); ++i)
        s << (i ? ", " : "") << t.size(i);
    s << ']';
    return s.str();
}

std::string number(double v)
{
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

std::string ivalueKind(const c10::IValue &v)
{
    if (v.isTuple()) return "a tuple";
    if (v.isList()) return "a list";
    if (v.isGenericDict()) return "a dict";
    if (v.isNone()) return "None";
    return "a " + v.tagKind();
}

} // namespace

struct Generator::Impl
{
    std::string path;
    bool hasSidecar = false;
    GeneratorInfo info;
    std::vector<ReportLine> report;
    mutable torch::jit::Module module;
    torch::Device device{torch::kCPU};
    mutable std::mutex forwardMutex; // guards module calls
    // Its own lock: a settings change from the UI thread must not wait for a
    // batch of samplings (minutes for a large diffusion model on the CPU).
    // Taken inside forwardMutex or alone, never the other way round.
    mutable std::mutex samplerMutex;
    SamplerSettings sampler; // diffusion generators
    // At load; never change (forward only reads the weights): read without
    // forwardMutex, so that the UI thread never waits for a batch for them.
    std::vector<ParameterShape> parameterShapes;
    std::vector<at::Tensor> parameterValues;    // the module's own, shared
    mutable std::atomic<bool> abandoned{false}; // abandon(): every later model call throws

    void throwIfAbandoned() const
    {
        if (abandoned) throw Cancelled();
    }

    SamplerSettings currentSampler() const
    {
        std::lock_guard<std::mutex> lock(samplerMutex);
        return sampler;
    }

    // The denoiser's prediction for x_t, t[, y] (diffusion generators).
    at::Tensor denoise(const at::Tensor &x, const at::Tensor &t, const at::Tensor &y) const
    {
        throwIfAbandoned(); // between sampler steps
        std::vector<c10::IValue> inputs{x.to(device), t.to(device)};
        if (info.call == CallSignature::ZY) inputs.emplace_back(y.to(device));
        return module.forward(inputs).toTensor();
    }
    // The batch of n that `make` returns, checked: a failure inside the model
    // (out of memory, a scripted raise) names the generator and the batch in
    // one line (torch's own message carries a C++ backtrace or a script
    // traceback), and so do NaN or Inf values, which would otherwise reach
    // images as black pixels and training as a NaN loss blamed on the recipe.
    at::Tensor checkedBatch(int64_t n, const std::string &what,
                            const std::function<at::Tensor()> &make) const
    {
        const std::string batch = "a batch of " + std::to_string(n) + what + " on " + device.str();
        at::Tensor out;
        try {
            out = make();
        } catch (const Error &) {
            throw; // ours: already says what
        } catch (const Cancelled &) {
            throw;
        } catch (const std::exception &e) { // c10::Error, or the interpreter's runtime_error
            throw Error("generator " + path + " failed on " + batch + ": " + torchReason(e));
        }
        if (!torch::isfinite(out).all().item<bool>())
            throw Error("generator " + path + " returned NaN or Inf values for " + batch +
                        " (its outputs at load were finite: some latents or settings overflow it, "
                        "e.g. a wide Gaussian view, a large guidance or float16 weights)");
        return out;
    }
    // A diffusion batch of n, [n, ...] from part(first, last) over fixed
    // sub-batches on the CPU (one piece on a GPU), side by side on the
    // calling thread's threads. Each sample's noise is its own stream
    // (diffusion.cpp) and the sub-batches are the same whatever the threads,
    // so how they are shared out changes no image. A steering walk's
    // gradients stay on the calling thread.
    at::Tensor inSubBatches(int64_t n,
                            const std::function<at::Tensor(int64_t, int64_t)> &part) const
    {
        const int64_t step = device.is_cpu() ? kDiffusionSubBatch : std::max<int64_t>(1, n);
        const int64_t count = std::max<int64_t>(1, (n + step - 1) / step);
        std::vector<at::Tensor> parts(static_cast<std::size_t>(count));
        const auto run = [&](int64_t b) {
            parts[std::size_t(b)] = part(b * step, std::min(n, (b + 1) * step));
        };
        const int threads = torchThreads(); // the calling thread's
        if (device.is_cpu() && threads > 1 && count > 1 && !torch::GradMode::is_enabled()) {
            const int workers = int(std::min<int64_t>(threads, count));
            runSideBySide(count, workers, std::max(1, threads / workers), run);
        } else {
            for (int64_t b = 0; b < count; ++b)
                run(b);
        }
        return parts.size() == 1 ? parts.front() : torch::cat(parts);
    }
    // x_0 [N, C, R, R] from latents [N, C * R * R] on the module's device.
    at::Tensor sampleDiffusion(const at::Tensor &z, const at::Tensor &y,
                               const SamplerSettings &s) const
    {
        const int64_t side = info.resolution;
        const auto xT = z.reshape({-1, info.channels, side, side}).to(device, torch::kFloat32);
        return ddimSample([this](const at::Tensor &x, const at::Tensor &t,
                                 const at::Tensor &c) { return denoise(x, t, c); },
                          info.diffusion, xT, info.call == CallSignature::ZY ? y : at::Tensor(), s,
                          info.outputMin, info.outputMax);
    }

    // forward() on the CPU module, for probing; rethrows torch errors.
    c10::IValue call(const at::Tensor &z, const at::Tensor &y, CallSignature sig) const
    {
        std::vector<c10::IValue> inputs{z};
        if (sig == CallSignature::ZY) inputs.emplace_back(y);
        torch::NoGradGuard noGrad;
        return module.forward(inputs);
    }

    bool runs(int latent, int64_t cls, CallSignature sig) const
    {
        try {
            call(torch::zeros({1, latent}), torch::full({1}, cls, torch::kInt64), sig);
            return true;
        } catch (const std::exception &) {
            return false;
        }
    }

    void check(const std::string &text) { report.push_back({ReportLine::Kind::Check, text}); }
    void assume(const std::string &text) { report.push_back({ReportLine::Kind::Assumption, text}); }
    [[noreturn]] void fail(const std::string &what) const
    {
        throw Error("generator " + path + ": " + what);
    }

    int forwardArguments();
    CallSignature signatureFromSchema();
    void inferWithoutSidecar(CallSignature sig);
    void validateOutput();
    void validateDenoiser();
};

int Generator::Impl::forwardArguments()
{
    auto method = module.find_method("forward");
    if (!method) fail("the module has no forward() method");
    return int(method->function().getSchema().arguments().size()) - 1; // minus self
}

CallSignature Generator::Impl::signatureFromSchema()
{
    const int args = forwardArguments();
    if (args == 1) return CallSignature::Z;
    if (args == 2) return CallSignature::ZY;
    fail("forward() takes " + std::to_string(args) +
         " arguments, expected 1 (z) or 2 (z, y class indices)");
}

void Generator::Impl::inferWithoutSidecar(CallSignature sig)
{
    info.name = fs::path(path).stem().string();
    info.call = sig;
    assume("no sidecar " + sidecarPathFor(path) + "; everything below was inferred by probing");
    assume("call signature " + toString(sig) + " (from the TorchScript schema)");

    // Latent size: the input sizes of the module's 2-D weights first (the
    // first projection usually takes z), then common sizes, then a scan.
    std::vector<int> candidates;
    for (const auto &p : module.parameters())
        if (p.dim() == 2) candidates.push_back(static_cast<int>(p.size(1)));
    for (int c : {512, 256, 128, 120, 100, 64, 32, 16, 8})
        candidates.push_back(c);
    for (int c = 1; c <= 1024; ++c)
        candidates.push_back(c);
    for (int c : candidates) {
        if (runs(c, 0, sig)) {
            info.latentSize = c;
            break;
        }
    }
    if (info.latentSize == 0)
        fail("no sidecar, and no latent size from 1 to 1024 was accepted by forward(); write a "
             "sidecar (docs/generator-format.md)");
    assume("latent size " + std::to_string(info.latentSize) +
           " (the first size forward() accepted)");

    if (sig == CallSignature::ZY) {
        // The largest class index forward() accepts: doubling, then bisection.
        int64_t good = 0, bad = 1;
        while (bad <= kMaxClasses && runs(info.latentSize, bad, sig)) {
            good = bad;
            bad *= 2;
        }
        if (bad > kMaxClasses)
            fail("no sidecar, and forward() accepts any class index; write a sidecar stating "
                 "num_classes");
        while (bad - good > 1) {
            const int64_t mid = (good + bad) / 2;
            (runs(info.latentSize, mid, sig) ? good : bad) = mid;
        }
        info.numClasses = static_cast<int>(good + 1);
        assume(std::to_string(info.numClasses) +
               " classes (the largest class index forward() accepts is " + std::to_string(good) +
               ")");
    }

    at::Tensor out;
    try {
        auto r = call(truncatedNormal(16, info.latentSize, 2.0f, 0),
                      torch::arange(16, torch::kInt64) % std::max(1, info.numClasses), sig);
        if (!r.isTensor()) fail("forward() returned " + ivalueKind(r) + ", expected a tensor");
        out = r.toTensor().to(torch::kFloat32);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        fail("forward() failed on a probe batch: " + torchReason(e));
    }
    if (out.dim() != 4 || out.size(2) != out.size(3))
        fail("forward() returned " + shapeString(out) + ", expected square images [N, C, H, W]");
    // What a sidecar may state (generatorinfo.cpp): images are shown, saved
    // and compared with real data as grey or RGB only.
    if (out.size(1) != 1 && out.size(1) != 3)
        fail("forward() returned " + shapeString(out) + ": " + std::to_string(out.size(1)) +
             " channels, expected 1 (grey) or 3 (RGB); convert the output in a small wrapper "
             "module (docs/generator-format.md)");
    if (out.size(2) < 4 || out.size(2) > kMaxResolution)
        fail("forward() returned " + shapeString(out) + ": " + std::to_string(out.size(2)) +
             " pixels per side, expected 4 to " + std::to_string(kMaxResolution));
    info.channels = static_cast<int>(out.size(1));
    info.resolution = static_cast<int>(out.size(2));
    assume(std::to_string(info.channels) + " channel(s) at " + std::to_string(info.resolution) +
           "x" + std::to_string(info.resolution) + " (from the probe output)");
    const double lo = out.min().item<double>(), hi = out.max().item<double>();
    if (lo >= -1e-3 && hi <= 1.001)
        info.outputMin = 0.0f, info.outputMax = 1.0f;
    else if (lo >= -1.001 && hi <= 1.001)
        info.outputMin = -1.0f, info.outputMax = 1.0f;
    else if (lo >= -1e-3 && hi <= 255.5)
        info.outputMin = 0.0f, info.outputMax = 255.0f;
    else
        info.outputMin = static_cast<float>(lo), info.outputMax = static_cast<float>(hi);
    assume("output range [" + number(info.outputMin) + ", " + number(info.outputMax) +
           "] (probe values were in [" + number(lo) + ", " + number(hi) + "])");
}

void Generator::Impl::validateOutput()
{
    const auto z = truncatedNormal(kProbeBatch, info.latentSize, 2.0f, 0);
    const auto y = torch::arange(kProbeBatch, torch::kInt64) % std::max(1, info.numClasses);
    const std::string callText =
        info.call == CallSignature::ZY
            ? "forward(z, y) with z [4, " + std::to_string(info.latentSize) + "] and y [4]"
            : "forward(z) with z [4, " + std::to_string(info.latentSize) + "]";
    c10::IValue result;
    try {
        result = call(z, y, info.call);
    } catch (const std::exception &e) {
        fail(callText + " failed (sidecar latent_size " + std::to_string(info.latentSize) +
             ", num_classes " + std::to_string(info.numClasses) + "): " + torchReason(e));
    }
    check(callText + " runs");
    if (!result.isTensor())
        fail("forward() returned " + ivalueKind(result) + ", expected a tensor [N, C, H, W]");
    at::Tensor out = result.toTensor();
    if (!out.is_floating_point())
        fail("forward() returned " + std::string(c10::toString(out.scalar_type())) +
             " values, expected floating point");
    if (out.scalar_type() != torch::kFloat32)
        report.push_back({ReportLine::Kind::Warning, std::string("output dtype is ") +
                                                         c10::toString(out.scalar_type()) +
                                                         "; it is converted to float32"});
    const auto res = std::to_string(info.resolution);
    const std::string expected =
        std::to_string(info.channels) + " channel(s) at " + res + "x" + res;
    if (out.dim() != 4 || out.size(0) != kProbeBatch || out.size(1) != info.channels ||
        out.size(2) != info.resolution || out.size(3) != info.resolution)
        fail((hasSidecar ? "sidecar says " : "expected ") + expected + " but the module returned " +
             shapeString(out) + " for a batch of 4");
    check("output " + shapeString(out) + " matches " + expected);
    out = out.to(torch::kFloat32);
    const auto nonFinite = (~torch::isfinite(out)).sum().item<int64_t>();
    if (nonFinite > 0)
        fail("forward() returned " + std::to_string(nonFinite) + " NaN or Inf values out of " +
             std::to_string(out.numel()));
    check("all values finite");
    const double lo = out.min().item<double>(), hi = out.max().item<double>();
    const double slack = 1e-3 * (info.outputMax - info.outputMin);
    const std::string range = "[" + number(info.outputMin) + ", " + number(info.outputMax) + "]";
    if (lo < info.outputMin - slack || hi > info.outputMax + slack)
        fail("sidecar says output_range " + range + " but the module returned values in [" +
             number(lo) + ", " + number(hi) + "]");
    check("values in [" + number(lo) + ", " + number(hi) + "] lie within output_range " + range);
    // A sigmoid's [0, 1] under a sidecar's [-1, 1] passes the check above but
    // puts every image in the top half of the range (washed out, and far
    // from the real data); [0, 1] under [0, 255], in the bottom one (dark):
    // four probe images using one half only are worth a word. A range the
    // probe inferred (no sidecar) is the module's own.
    const double mid = (info.outputMin + info.outputMax) / 2;
    if (hasSidecar && (lo > mid || hi < mid)) {
        const bool upper = lo > mid;
        report.push_back(
            {ReportLine::Kind::Warning,
             "the probe images use only the " + std::string(upper ? "upper" : "lower") +
                 " half of output_range " + range + "; if the module's range is narrower (" +
                 (upper ? "a sigmoid's [0, 1] under [-1, 1]" : "[0, 1] under [0, 255]") +
                 "), set output_range to it, or images will look " +
                 (upper ? "washed out" : "dark")});
    }
}

// A denoiser: one call keeps the shape of x_t, and a two-step sample is finite.
// Runs at load, on the CPU, before the module moves to its device.
void Generator::Impl::validateDenoiser()
{
    const int64_t side = info.resolution;
    auto gen = at::detail::createCPUGenerator(0);
    const auto x = torch::randn({kProbeBatch, info.channels, side, side}, gen, torch::kFloat32);
    const auto t = torch::full({kProbeBatch}, info.diffusion.timesteps - 1, torch::kInt64);
    const auto y = torch::arange(kProbeBatch, torch::kInt64) % std::max(1, info.numClasses);
    const std::string text = callText(info) + " with x_t " + shapeString(x) + ", t [4]" +
                             (info.call == CallSignature::ZY ? " and y [4]" : "");
    at::Tensor out;
    try {
        torch::NoGradGuard noGrad;
        out = denoise(x, t, y);
    } catch (const std::exception &e) {
        fail(text + " failed (sidecar channels " + std::to_string(info.channels) + ", resolution " +
             std::to_string(info.resolution) + ", num_classes " + std::to_string(info.numClasses) +
             "): " + torchReason(e));
    }
    check(text + " runs");
    if (!out.is_floating_point() || !out.sizes().equals(x.sizes()))
        fail("the denoiser returned " + shapeString(out) + " " + c10::toString(out.scalar_type()) +
             " for x_t " + shapeString(x) +
             ", expected a floating-point prediction of the same shape");
    SamplerSettings two = sampler;
    two.steps = std::min(2, info.diffusion.timesteps);
    at::Tensor images;
    try {
        torch::NoGradGuard noGrad;
        images = sampleDiffusion(x.flatten(1), y, two);
    } catch (const std::exception &e) {
        fail("a 2-step DDIM sample failed: " + torchReason(e));
    }
    const auto nonFinite = (~torch::isfinite(images)).sum().item<int64_t>();
    if (nonFinite > 0)
        fail("a 2-step DDIM sample has " + std::to_string(nonFinite) + " NaN or Inf values");
    check(std::string("DDIM sampling (") + toString(info.diffusion.prediction) + " prediction, " +
          std::to_string(info.diffusion.timesteps) + " timesteps, " + info.diffusion.schedule +
          "; default " + std::to_string(sampler.steps) + " steps, guidance " +
          number(sampler.guidance) + ", eta " + number(sampler.eta) + ") gives finite images");
}

Generator::Generator(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Generator::~Generator() = default;

std::string sidecarPathFor(const std::string &ptPath)
{
    return fs::path(ptPath).replace_extension(".json").string();
}

std::unique_ptr<Generator> Generator::load(const std::string &ptPath,
                                           const std::string &deviceSetting)
{
    auto impl = std::make_unique<Impl>();
    impl->path = ptPath;
    std::error_code ec;
    if (!fs::exists(ptPath, ec)) impl->fail("file not found");
    if (!fs::is_regular_file(ptPath, ec)) impl->fail("not a regular file");
    try {
        impl->module = torch::jit::load(ptPath, torch::kCPU);
    } catch (const std::exception &e) {
        impl->fail("not a readable TorchScript file (" + torchReason(e) +
                   "); expected a module saved with torch.jit.save");
    }
    impl->module.eval();
    for (auto p : impl->module.parameters())
        p.requires_grad_(false);

    const std::string sidecar = sidecarPathFor(ptPath);
    impl->hasSidecar = fs::exists(sidecar, ec);
    if (impl->hasSidecar) {
        impl->info = readSidecar(sidecar);
        const GeneratorInfo &info = impl->info;
        const int args = impl->forwardArguments();
        const int expected = (info.isDiffusion() ? 2 : 1) + (info.call == CallSignature::ZY);
        if (args != expected) {
            const char *names[] = {"", " (z)", " (z, y)"},
                       *denoiser[] = {"", "", " (x_t, t)", " (x_t, t, y)"};
            const char *named = info.isDiffusion() ? (args < 4 ? denoiser[args] : "")
                                                   : (args < 3 ? names[args] : "");
            impl->fail("sidecar says the module is called as " + callText(info) +
                       " but its forward() takes " + std::to_string(args) + " argument" +
                       (args == 1 ? "" : "s") + named);
        }
        impl->check("sidecar " + sidecar + " read (" + (info.isDiffusion() ? "diffusion" : "GAN") +
                    ")");
    } else {
        impl->inferWithoutSidecar(impl->signatureFromSchema());
    }
    impl->sampler = impl->info.diffusion.sampler;
    if (impl->info.isDiffusion())
        impl->validateDenoiser();
    else
        impl->validateOutput();

    const RunDevice device = chooseDevice(deviceSetting, 0, "generator " + ptPath);
    if (device.cuda) {
        impl->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device.index));
        impl->module.to(impl->device);
    }
    for (const auto &p : impl->module.named_parameters(/*recurse=*/true)) {
        impl->parameterShapes.push_back({p.name, p.value.sizes().vec()});
        impl->parameterValues.push_back(p.value);
    }
    return std::unique_ptr<Generator>(new Generator(std::move(impl)));
}

const GeneratorInfo &Generator::info() const
{
    return d->info;
}
const std::vector<ReportLine> &Generator::report() const
{
    return d->report;
}
const std::string &Generator::path() const
{
    return d->path;
}
std::string Generator::sidecarPath() const
{
    return sidecarPathFor(d->path);
}
bool Generator::hasSidecar() const
{
    return d->hasSidecar;
}
std::string Generator::deviceName() const
{
    return d->device.is_cuda() ? "CUDA" : "CPU";
}

at::Tensor Generator::sampleLatents(const SampleRequest &request) const
{
    if (request.count < 1)
        throw Error("sample count must be at least 1, got " + std::to_string(request.count));
    return truncatedNormal(request.count, d->info.latentSize, request.truncation, request.seed);
}

at::Tensor Generator::sampleClasses(const SampleRequest &request) const
{
    const int n = d->info.numClasses;
    if (n == 0) return torch::full({request.count}, -1, torch::kInt64);
    if (request.classIndex >= n)
        throw Error("class " + std::to_string(request.classIndex) +
                    " is out of range: " + d->info.name + " has " + std::to_string(n) +
                    " classes (0.." + std::to_string(n - 1) + ")");
    if (request.classIndex >= 0)
        return torch::full({request.count}, request.classIndex, torch::kInt64);
    if (request.classIndex == SampleRequest::kCycleClasses)
        return torch::arange(request.count, torch::kInt64) % n;
    auto gen = at::detail::createCPUGenerator(request.seed ^ kClassSeedSalt);
    return torch::randint(n, {request.count}, gen, torch::kInt64);
}

at::Tensor Generator::generate(const at::Tensor &z, const at::Tensor &y,
                               const SamplerSettings *sampler) const
{
    return generateOnDevice(z, y, sampler).to(torch::kCPU);
}

at::Tensor Generator::generateOnDevice(const at::Tensor &z, const at::Tensor &y,
                                       const SamplerSettings *sampler) const
{
    std::lock_guard<std::mutex> lock(d->forwardMutex);
    if (d->info.isDiffusion() && sampler) checkSamplerSettings(*sampler);
    return d->checkedBatch(z.size(0), "", [&] {
        if (d->info.isDiffusion()) {
            const SamplerSettings settings = sampler ? *sampler : d->currentSampler();
            return d->inSubBatches(z.size(0), [&](int64_t first, int64_t last) {
                return d->sampleDiffusion(z.slice(0, first, last),
                                          y.defined() ? y.slice(0, first, last) : y, settings);
            });
        }
        // Large batches run in chunks: on the CPU the activations of a chunk
        // stay in cache (measured: batch 64 gives 2,290 images/s, batch 256 1,833).
        const int64_t chunk = d->device.is_cpu() ? kGenerateChunk : z.size(0);
        std::vector<at::Tensor> parts;
        for (int64_t i = 0; i < z.size(0) || i == 0; i += chunk) {
            d->throwIfAbandoned();
            std::vector<c10::IValue> inputs{z.slice(0, i, i + chunk).to(d->device)};
            if (d->info.call == CallSignature::ZY)
                inputs.emplace_back(y.slice(0, i, i + chunk).to(d->device));
            parts.push_back(d->module.forward(inputs).toTensor().to(torch::kFloat32));
        }
        return parts.size() == 1 ? parts.front() : torch::cat(parts);
    });
}

at::Tensor Generator::toDevice(const at::Tensor &t) const
{
    return t.to(d->device);
}

ImageBatch ImageBatch::slice(int first, int n) const
{
    if (first < 0 || n < 0 || first + n > count)
        throw Error("image slice [" + std::to_string(first) + ", " + std::to_string(first + n) +
                    ") is outside a batch of " + std::to_string(count));
    ImageBatch out = *this;
    out.count = n;
    const auto bytes = static_cast<std::ptrdiff_t>(imageBytes());
    out.pixels.assign(pixels.begin() + first * bytes, pixels.begin() + (first + n) * bytes);
    out.classes.assign(classes.begin() + first, classes.begin() + first + n);
    return out;
}

at::Tensor Generator::renoiseOnDevice(const at::Tensor &x0, const at::Tensor &y,
                                      const at::Tensor &noise, float strength,
                                      const SamplerSettings *sampler) const
{
    if (!d->info.isDiffusion())
        throw Error("re-noised views need a diffusion generator; " + d->info.name + " is a GAN");
    if (sampler) checkSamplerSettings(*sampler);
    const bool withClass = d->info.call == CallSignature::ZY;
    std::lock_guard<std::mutex> lock(d->forwardMutex);
    const SamplerSettings settings = sampler ? *sampler : d->currentSampler();
    // Sub-batches as for sampling: each view's noise is given, so no image
    // depends on the threads.
    return d->checkedBatch(x0.size(0), " re-noised views", [&] {
        return d->inSubBatches(x0.size(0), [&](int64_t first, int64_t last) {
            return renoiseAndDenoise([this](const at::Tensor &x, const at::Tensor &t,
                                            const at::Tensor &c) { return d->denoise(x, t, c); },
                                     d->info.diffusion, x0.slice(0, first, last).to(d->device),
                                     withClass ? y.slice(0, first, last) : at::Tensor(),
                                     noise.slice(0, first, last).to(d->device), strength, settings,
                                     d->info.outputMin, d->info.outputMax);
        });
    });
}

void Generator::abandon() const
{
    d->abandoned = true;
}

SamplerSettings Generator::samplerSettings() const
{
    return d->currentSampler();
}

void Generator::checkSamplerSettings(const SamplerSettings &s) const
{
    const DiffusionInfo &info = d->info.diffusion;
    if (!d->info.isDiffusion())
        throw Error("diffusion sampler settings given for " + d->info.name +
                    ", which is a GAN; they apply to diffusion generators only");
    ddimTimesteps(info.timesteps, s.steps); // throws on a bad step count
    if (!(s.eta >= 0 && s.eta <= 1)) {
        std::ostringstream eta; // 2, not 2.000000
        eta << s.eta;
        throw Error("diffusion sampler: eta " + eta.str() + ", expected 0 to 1");
    }
    if (!(s.guidance >= 0 && s.guidance <= 100)) {
        std::ostringstream guidance;
        guidance << s.guidance;
        throw Error("diffusion sampler: guidance " + guidance.str() + ", expected 0 to 100");
    }
    if (s.guidance != 1.0f && info.nullClass < 0)
        throw Error("diffusion sampler: guidance needs the model's null_class, which " +
                    d->info.name + " does not have");
}

void Generator::setSamplerSettings(const SamplerSettings &s) const
{
    checkSamplerSettings(s);
    std::lock_guard<std::mutex> lock(d->samplerMutex);
    d->sampler = s;
}

const std::vector<ParameterShape> &Generator::parameterShapes() const
{
    return d->parameterShapes;
}

at::Tensor Generator::parameter(const std::string &name) const
{
    for (std::size_t i = 0; i < d->parameterShapes.size(); ++i)
        if (d->parameterShapes[i].name == name)
            return d->parameterValues[i].detach().to(torch::kCPU).clone();
    throw Error(d->path + " has no parameter named '" + name + "'");
}

std::vector<std::pair<std::string, at::Tensor>> Generator::namedParameters() const
{
    std::vector<std::pair<std::string, at::Tensor>> out;
    std::lock_guard<std::mutex> lock(d->forwardMutex);
    for (const auto &p : d->module.named_parameters(/*recurse=*/true))
        out.emplace_back(p.name, p.value.detach().to(torch::kCPU).clone());
    return out;
}

ImageBatch toImageBatch(const at::Tensor &images, float lo, float hi)
{
    // [N, C, H, W] in [lo, hi] -> [N, H, W, C] bytes.
    const auto bytes =
        ((images.detach().to(torch::kCPU, torch::kFloat32) - lo) * (255.0f / (hi - lo)))
            .round()
            .clamp(0, 255)
            .to(torch::kUInt8)
            .permute({0, 2, 3, 1})
            .contiguous();
    ImageBatch batch;
    batch.count = static_cast<int>(bytes.size(0));
    batch.height = static_cast<int>(bytes.size(1));
    batch.width = static_cast<int>(bytes.size(2));
    batch.channels = static_cast<int>(bytes.size(3));
    batch.pixels.assign(bytes.data_ptr<std::uint8_t>(),
                        bytes.data_ptr<std::uint8_t>() + bytes.numel());
    batch.classes.assign(batch.count, -1);
    return batch;
}

ImageBatch Generator::toImages(const at::Tensor &images, const at::Tensor &classes) const
{
    ImageBatch batch = toImageBatch(images, d->info.outputMin, d->info.outputMax);
    auto cls = classes.to(torch::kCPU, torch::kInt64).contiguous();
    batch.classes.assign(cls.data_ptr<int64_t>(), cls.data_ptr<int64_t>() + cls.numel());
    return batch;
}

std::vector<float> Generator::latentValues(const SampleRequest &request) const
{
    const auto z = sampleLatents(request).contiguous();
    return {z.data_ptr<float>(), z.data_ptr<float>() + z.numel()};
}

ImageBatch Generator::render(const std::vector<float> &latents,
                             const std::vector<int> &classes) const
{
    const int64_t latent = d->info.latentSize;
    const auto n = static_cast<int64_t>(classes.size());
    if (n == 0 || static_cast<int64_t>(latents.size()) != n * latent)
        throw Error("render: " + std::to_string(latents.size()) + " latent values for " +
                    std::to_string(n) + " images of latent size " + std::to_string(latent));
    c10::InferenceMode guard;
    const auto z = torch::tensor(latents).view({n, latent});
    const auto y =
        torch::tensor(std::vector<int64_t>(classes.begin(), classes.end()), torch::kInt64);
    return toImages(generate(z, y), y);
}

ImageBatch Generator::sample(const SampleRequest &request) const
{
    c10::InferenceMode guard;
    const auto z = sampleLatents(request);
    const auto y = sampleClasses(request);
    return toImages(generate(z, y), y);
}

} // namespace latent
