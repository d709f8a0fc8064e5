// SPDX-License-Identifier: MIT
#include "generators/generatorinfo.h"

#include "atomicfile.h"
#include "data/dataset.h"
#include "error.h"
#include "jsonfields.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace latent {
namespace {

constexpr std::size_t kMaxSidecarBytes = 8 << 20; // room for an explicit schedule
constexpr int kMaxTimesteps = 100000;

// alphas_cumprod [T] from betas [T].
std::vector<double> cumulativeAlphas(const std::vector<double> &betas)
{
    std::vector<double> out;
    double product = 1;
    for (double b : betas)
        out.push_back(product *= 1 - b);
    return out;
}

// The noise schedule of a "diffusion" object: linear, scaled_linear, cosine
// (Nichol and Dhariwal 2021, as diffusers' betas_for_alpha_bar) or explicit.
void readSchedule(const json::Object &d, DiffusionInfo &info)
{
    const json::Object s = d.object("schedule");
    const std::string type =
        s.string("type", {"linear", "scaled_linear", "cosine", "alphas_cumprod"});
    const int T = info.timesteps;
    std::vector<double> betas(T);
    if (type == "linear" || type == "scaled_linear") {
        s.allowOnly({"type", "beta_start", "beta_end"});
        const double lo = s.number("beta_start", 1e-8, 0.5), hi = s.number("beta_end", 1e-8, 0.999);
        if (!(lo < hi))
            s.fail("beta_end", "is not above beta_start, expected beta_start < beta_end");
        for (int t = 0; t < T; ++t) {
            const double f = T == 1 ? 0 : double(t) / (T - 1);
            betas[t] = type == "linear"
                           ? lo + f * (hi - lo)
                           : std::pow(std::sqrt(lo) + f * (std::sqrt(hi) - std::sqrt(lo)), 2);
        }
        info.alphasCumprod = cumulativeAlphas(betas);
        info.schedule = type + " beta " + json::Json(lo).dump() + " to " + json::Json(hi).dump();
    } else if (type == "cosine") {
        s.allowOnly({"type", "s"});
        const double off = s.has("s") ? s.number("s", 0, 1) : 0.008;
        const auto abar = [off](double t) {
            return std::pow(std::cos((t + off) / (1 + off) * M_PI / 2), 2);
        };
        for (int t = 0; t < T; ++t)
            betas[t] = std::min(1 - abar(double(t + 1) / T) / abar(double(t) / T), 0.999);
        info.alphasCumprod = cumulativeAlphas(betas);
        info.schedule = "cosine s " + json::Json(off).dump();
    } else {
        s.allowOnly({"type", "values"});
        const json::Json &v = s.raw("values");
        if (!v.is_array() || int(v.size()) != T)
            s.fail("values", "must be an array of " + std::to_string(T) + " numbers (timesteps)");
        double previous = 1;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_number() || !(v[i].get<double>() > 0) || !(v[i].get<double>() < previous))
                s.fail("values", "holds " + v[i].dump() + " at index " + std::to_string(i) +
                                     ", expected values in (0, 1) that decrease with t");
            previous = v[i].get<double>();
            info.alphasCumprod.push_back(previous);
        }
        info.schedule = "explicit alphas_cumprod";
    }
}

// The "diffusion" object of a schema 2 sidecar.
DiffusionInfo readDiffusion(const json::Object &root, int numClasses)
{
    const json::Object d = root.object("diffusion");
    d.allowOnly({"prediction", "timesteps", "schedule", "null_class", "sampler"});
    DiffusionInfo info;
    const std::string p = d.string("prediction", {"eps", "v", "x0"});
    info.prediction = p == "eps" ? DiffusionInfo::Prediction::Eps
                      : p == "v" ? DiffusionInfo::Prediction::V
                                 : DiffusionInfo::Prediction::X0;
    info.timesteps = int(d.integer("timesteps", 2, kMaxTimesteps, "training timesteps"));
    readSchedule(d, info);
    if (d.has("null_class")) {
        if (numClasses == 0)
            d.fail("null_class", "is set but the model is unconditional (num_classes 0)");
        info.nullClass = int(d.integer("null_class", 0, numClasses,
                                       "the class index the model was trained with for no class"));
        // Inside the class range, uniform sampling would draw "no class" as
        // a class, and class-conditional positives would group its samples.
        if (info.nullClass < numClasses)
            d.fail("null_class",
                   "is " + std::to_string(info.nullClass) + ", one of the model's classes 0 to " +
                       std::to_string(numClasses - 1) + "; expected num_classes (" +
                       std::to_string(numClasses) +
                       "): num_classes counts the real classes, and the null class comes after "
                       "them (wrap a model that puts it elsewhere so that it does)");
    }
    if (d.has("sampler")) {
        const json::Object s = d.object("sampler");
        s.allowOnly({"steps", "guidance", "eta"});
        if (s.has("steps")) info.sampler.steps = int(s.integer("steps", 1, info.timesteps));
        if (s.has("guidance")) info.sampler.guidance = float(s.number("guidance", 0, 100));
        if (s.has("eta")) info.sampler.eta = float(s.number("eta", 0, 1));
        if (info.sampler.guidance != 1.0f && info.nullClass < 0)
            s.fail("guidance", "is " + json::Json(info.sampler.guidance).dump() +
                                   " but the model has no null_class; classifier-free guidance "
                                   "needs the class index meaning no class");
    }
    info.sampler.steps = std::min(info.sampler.steps, info.timesteps);
    return info;
}

} // namespace

std::string GeneratorInfo::className(int index) const
{
    if (index >= 0 && index < static_cast<int>(classNames.size())) return classNames[index];
    return "class " + std::to_string(index);
}

std::string toString(CallSignature call)
{
    return call == CallSignature::ZY ? "forward(z, y)" : "forward(z)";
}

std::string callText(const GeneratorInfo &info)
{
    if (!info.isDiffusion()) return toString(info.call);
    return info.call == CallSignature::ZY ? "forward(x_t, t, y)" : "forward(x_t, t)";
}

const char *toString(DiffusionInfo::Prediction prediction)
{
    switch (prediction) {
    case DiffusionInfo::Prediction::Eps:
        return "eps";
    case DiffusionInfo::Prediction::V:
        return "v";
    case DiffusionInfo::Prediction::X0:
        return "x0";
    }
    return "";
}

GeneratorInfo parseSidecar(const std::string &text, const std::string &path)
{
    const std::string what = "sidecar " + path;
    const json::Json doc = json::parse(text, what, kMaxSidecarBytes);
    const json::Object root(doc, what, "");
    const long long version = root.integer("schema_version", 1, 1 << 20, "the sidecar schema");
    if (version > GeneratorInfo::kSchemaVersion)
        throw Error(what + ": schema_version " + std::to_string(version) +
                    " is newer than this build understands (" +
                    std::to_string(GeneratorInfo::kSchemaVersion) + ")");
    if (version >= 2)
        root.allowOnly({"schema_version", "kind", "name", "latent_size", "num_classes",
                        "class_names", "channels", "resolution", "output_range", "call",
                        "description", "license", "training", "real_data", "diffusion"});
    else
        root.allowOnly({"schema_version", "name", "latent_size", "num_classes", "class_names",
                        "channels", "resolution", "output_range", "call", "description", "license",
                        "training", "real_data"});

    GeneratorInfo info;
    if (root.has("kind") && root.string("kind", {"gan", "diffusion"}) == "diffusion")
        info.kind = GeneratorKind::Diffusion;
    info.name = root.string("name");
    info.numClasses = static_cast<int>(
        root.integer("num_classes", 0, kMaxClasses, "0 for an unconditional generator"));
    info.channels = static_cast<int>(root.integer("channels", 1, 3, "1 (grey) or 3 (RGB)"));
    if (info.channels == 2) root.fail("channels", "is 2, expected 1 (grey) or 3 (RGB)");
    info.resolution =
        static_cast<int>(root.integer("resolution", 4, kMaxResolution, "pixels per side"));
    if (info.isDiffusion()) {
        // The latent is x_T itself.
        const long long size = 1LL * info.channels * info.resolution * info.resolution;
        if (size > kMaxDiffusionLatentSize)
            root.fail("resolution",
                      "gives a starting noise of " + std::to_string(size) + " values, more than " +
                          std::to_string(kMaxDiffusionLatentSize) + " (3 x 512 x 512)");
        info.latentSize = int(size);
        if (root.has("latent_size") &&
            root.integer("latent_size", 1, kMaxDiffusionLatentSize) != size)
            root.fail("latent_size",
                      "must be channels x resolution x resolution = " + std::to_string(size) +
                          " for a diffusion model (its latent is x_T), or absent");
        if (!root.has("diffusion"))
            root.fail("diffusion", "is missing; a diffusion model needs its prediction, "
                                   "timesteps and schedule");
    } else {
        if (root.has("diffusion"))
            root.fail("diffusion", "is set but kind is \"gan\"; set \"kind\": \"diffusion\"");
        info.latentSize =
            static_cast<int>(root.integer("latent_size", 1, kMaxLatentSize, "the size of z"));
    }

    const json::Json &range = root.raw("output_range");
    if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number())
        root.fail("output_range", "is " + range.dump() + ", expected [min, max] numbers");
    info.outputMin = range[0].get<float>();
    info.outputMax = range[1].get<float>();
    if (!(info.outputMin < info.outputMax))
        root.fail("output_range", "is " + range.dump() + ", expected min < max");

    const bool diffusion = info.isDiffusion();
    const char *plain = diffusion ? "x,t" : "z";
    const char *withClass = diffusion ? "x,t,y" : "z,y";
    info.call =
        root.string("call", {plain, withClass}) == withClass ? CallSignature::ZY : CallSignature::Z;
    if (info.call == CallSignature::ZY && info.numClasses == 0)
        root.fail("call", "is \"" + std::string(withClass) +
                              "\" but 'num_classes' is 0; a conditional generator needs "
                              "num_classes >= 1");
    if (info.call == CallSignature::Z && info.numClasses > 0)
        root.fail("num_classes", "is " + std::to_string(info.numClasses) + " but 'call' is \"" +
                                     plain + "\"; a conditional generator is called as \"" +
                                     withClass + "\"");
    if (diffusion) info.diffusion = readDiffusion(root, info.numClasses);

    if (root.has("class_names")) {
        const json::Json &names = root.raw("class_names");
        if (!names.is_array() || static_cast<int>(names.size()) != info.numClasses)
            root.fail("class_names",
                      "must be an array of " + std::to_string(info.numClasses) + " strings");
        for (const auto &n : names) {
            if (!n.is_string())
                root.fail("class_names", "holds " + json::describe(n) + ", expected strings");
            info.classNames.push_back(n.get<std::string>());
        }
    }
    if (root.has("real_data")) {
        info.realData = root.string("real_data");
        DataSource source;
        try {
            source = parseDataSource(info.realData);
        } catch (const Error &) {
            root.fail("real_data", "is \"" + info.realData +
                                       "\", expected fashion-mnist, a folder or FORMAT:PATH");
        }
        if (!source.fashionMnist && std::filesystem::path(source.path).is_relative()) {
            source.path = (std::filesystem::path(path).parent_path() / source.path).string();
            info.realData = (source.format.empty() ? "" : source.format + ":") + source.path;
        }
    }
    return info;
}

GeneratorInfo readSidecar(const std::string &path)
{
    return parseSidecar(readFileCapped(path, "sidecar " + path, kMaxSidecarBytes), path);
}

void writeSidecar(const GeneratorInfo &info, const std::string &path)
{
    const bool diffusion = info.isDiffusion();
    const bool withClass = info.call == CallSignature::ZY;
    nlohmann::json doc = {
        {"schema_version", GeneratorInfo::kSchemaVersion},
        {"kind", diffusion ? "diffusion" : "gan"},
        {"name", info.name},
        {"latent_size", info.latentSize},
        {"num_classes", info.numClasses},
        {"channels", info.channels},
        {"resolution", info.resolution},
        {"output_range", {info.outputMin, info.outputMax}},
        {"call", diffusion ? (withClass ? "x,t,y" : "x,t") : (withClass ? "z,y" : "z")}};
    if (diffusion) {
        const DiffusionInfo &d = info.diffusion;
        doc["diffusion"] = {{"prediction", toString(d.prediction)},
                            {"timesteps", d.timesteps},
                            {"schedule", {{"type", "alphas_cumprod"}, {"values", d.alphasCumprod}}},
                            {"sampler",
                             {{"steps", d.sampler.steps},
                              {"guidance", d.sampler.guidance},
                              {"eta", d.sampler.eta}}}};
        if (d.nullClass >= 0) doc["diffusion"]["null_class"] = d.nullClass;
    }
    if (!info.classNames.empty()) doc["class_names"] = info.classNames;
    if (!info.realData.empty()) doc["real_data"] = info.realData;
    writeFileAtomically(path, doc.dump(2) + "\n");
}

} // namespace latent
