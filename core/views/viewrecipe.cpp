// SPDX-License-Identifier: MIT
#include "views/viewrecipe.h"

#include "atomicfile.h"
#include "error.h"
#include "jsonfields.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace latent {
namespace {

using json::Json;
using json::Object;

// How a recipe's float fields are written: the shortest decimal that reads
// back as the same float (0.4), or, as files before 2026-12 had them, the
// float's exact value as a double (0.4000000059604645), kept to recognise
// the recipe hashes those runs recorded.
enum class FloatText { Shortest, Exact };

Json number(float v, FloatText form)
{
    return form == FloatText::Shortest ? Json(json::shortestDecimal(v)) : Json(v);
}

Json pairJson(std::pair<float, float> p, FloatText form)
{
    return Json::array({number(p.first, form), number(p.second, form)});
}

Json setJson(const DirectionSet &s, FloatText form)
{
    Json params = Json::object();
    for (const auto &[k, v] : s.params)
        params[k] = v;
    Json vectors = Json::array();
    for (const std::vector<float> &row : s.vectors) {
        Json values = Json::array();
        for (const float v : row)
            values.push_back(number(v, form));
        vectors.push_back(std::move(values));
    }
    return {{"name", s.name},     {"method", s.method},
            {"params", params},   {"latent_size", s.latentSize},
            {"labels", s.labels}, {"scores", s.scores},
            {"vectors", vectors}};
}

DirectionSet readSet(const Object &o)
{
    o.allowOnly({"name", "method", "params", "latent_size", "labels", "scores", "vectors"});
    DirectionSet s;
    s.name = o.string("name");
    s.method = o.string("method", {"sefa", "pca", "steer", "random"});
    const Object params = o.object("params");
    for (auto it = params.value().begin(); it != params.value().end(); ++it) {
        if (!it->is_string())
            params.fail(it.key(), "is " + json::describe(*it) + ", expected a string");
        s.params[it.key()] = it->get<std::string>();
    }
    s.latentSize = static_cast<int>(o.integer("latent_size", 1, kMaxDiffusionLatentSize));
    const Json &labels = o.raw("labels"), &scores = o.raw("scores"), &vectors = o.raw("vectors");
    if (!labels.is_array())
        o.fail("labels", "is " + json::describe(labels) + ", expected an array of strings");
    if (labels.empty()) o.fail("labels", "is empty, expected a set of at least one direction");
    if (!vectors.is_array() || vectors.size() != labels.size())
        o.fail("vectors", "expected an array of " + std::to_string(labels.size()) +
                              " vectors (one per label)");
    if (!scores.is_array() || scores.size() != labels.size())
        o.fail("scores", "expected an array of " + std::to_string(labels.size()) +
                             " numbers (one per label)");
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::string at = "[" + std::to_string(i) + "]";
        if (!labels[i].is_string())
            o.fail("labels" + at, "is " + json::describe(labels[i]) + ", expected a string");
        // A learned walk's label names its transform: it sets the walk's range.
        if (s.method == "steer") {
            try {
                steerTransformFromString(labels[i].get<std::string>());
            } catch (const Error &) {
                o.fail("labels" + at, "is " + json::describe(labels[i]) +
                                          ", expected the transform a steer walk learned: zoom, "
                                          "shift_x, shift_y, rotation, brightness or contrast");
            }
        }
        if (!scores[i].is_number())
            o.fail("scores" + at, "is " + json::describe(scores[i]) + ", expected a number");
        const Json &v = vectors[i];
        if (!v.is_array() || static_cast<int>(v.size()) != s.latentSize)
            o.fail("vectors" + at,
                   "expected " + std::to_string(s.latentSize) + " numbers (latent_size)");
        std::vector<float> row;
        for (std::size_t j = 0; j < v.size(); ++j) {
            // Finite as a float too: 1e300 would become inf (found by fuzz_recipe).
            if (!v[j].is_number() || !std::isfinite(v[j].get<float>()))
                o.fail("vectors" + at + "[" + std::to_string(j) + "]",
                       "is " + json::describe(v[j]) + ", expected a number within float range");
            row.push_back(v[j].get<float>());
        }
        s.labels.push_back(labels[i].get<std::string>());
        s.scores.push_back(scores[i].get<double>());
        s.vectors.push_back(std::move(row));
    }
    return s;
}

std::pair<float, float> floatRange(const Object &o, const char *key, double min, double max)
{
    const auto r = o.range(key, min, max);
    return {static_cast<float>(r.first), static_cast<float>(r.second)};
}

Json generatorJson(const ViewRecipe &r, FloatText form)
{
    Json j = {{"file", r.generator.file}, {"sha256", r.generator.sha256}};
    if (r.hasSampler)
        j["sampler"] = {{"steps", r.sampler.steps},
                        {"guidance", number(r.sampler.guidance, form)},
                        {"eta", number(r.sampler.eta, form)}};
    return j;
}

Json anchorsJson(const ViewRecipe::Anchors &a, FloatText form)
{
    Json j = {{"truncation", number(a.truncation, form)},
              {"classes", a.classes.empty() ? Json("uniform") : Json(a.classes)}};
    if (a.poolSize > 0) j["pool"] = {{"size", a.poolSize}, {"refresh_per_step", a.poolRefresh}};
    return j;
}

Json viewsJson(const ViewRecipe::LatentViews &v, FloatText form)
{
    Json steered = Json::array();
    for (const auto &w : v.steered)
        steered.push_back({{"set", w.set},
                           {"direction", w.direction},
                           {"alpha", pairJson({w.alphaMin, w.alphaMax}, form)},
                           {"distribution", w.normal ? "normal" : "uniform"}});
    Json j = {{"per_anchor", v.perAnchor},
              {"class_positives", v.classPositives},
              {"gaussian", {{"enabled", v.gaussian}, {"sigma", number(v.sigma, form)}}},
              {"steered", steered}};
    if (v.renoise > 0) j["renoise"] = {{"strength", number(v.renoise, form)}};
    if (v.preserveVariance) j["gaussian"]["preserve_variance"] = true;
    return j;
}

Json pixelJson(const ViewRecipe::Pixel &p, FloatText form)
{
    const auto n = [form](float v) { return number(v, form); };
    return {{"random_resized_crop",
             {{"p", n(p.cropP)},
              {"scale", pairJson(p.cropScale, form)},
              {"ratio", pairJson(p.cropRatio, form)}}},
            {"horizontal_flip", {{"p", n(p.flipP)}}},
            {"color_jitter",
             {{"p", n(p.jitterP)},
              {"brightness", n(p.brightness)},
              {"contrast", n(p.contrast)},
              {"saturation", n(p.saturation)},
              {"hue", n(p.hue)}}},
            {"grayscale", {{"p", n(p.grayscaleP)}}},
            {"gaussian_blur", {{"p", n(p.blurP)}, {"sigma", pairJson(p.blurSigma, form)}}}};
}

std::string recipeJson(const ViewRecipe &r, FloatText form)
{
    Json sets = Json::array();
    for (const auto &s : r.directionSets)
        sets.push_back(setJson(s, form));
    const Json doc = {{"schema_version", ViewRecipe::kSchemaVersion},
                      {"name", r.name},
                      {"generator", generatorJson(r, form)},
                      {"seed", r.seed},
                      {"anchors", anchorsJson(r.anchors, form)},
                      {"views", viewsJson(r.views, form)},
                      {"pixel", pixelJson(r.pixel, form)},
                      {"direction_sets", sets}};
    return doc.dump(2) + "\n";
}

} // namespace

ViewRecipe defaultRecipeFor(const GeneratorInfo &info)
{
    ViewRecipe r;
    r.anchors.truncation = info.defaultTruncation();
    if (info.isDiffusion()) {
        r.views.preserveVariance = true;
        r.views.sigma = 0.4f;
    }
    return r;
}

const DirectionSet *ViewRecipe::findSet(const std::string &setName) const
{
    for (const auto &s : directionSets)
        if (s.name == setName) return &s;
    return nullptr;
}

void ViewRecipe::checkAgainst(int latentSize, int numClasses, const std::string &what) const
{
    for (std::size_t i = 0; i < views.steered.size(); ++i) {
        const SteeredWalk &w = views.steered[i];
        const std::string field = "views.steered[" + std::to_string(i) + "]";
        const DirectionSet *set = findSet(w.set);
        if (!set)
            throw Error(what + ": field '" + field + ".set' names \"" + w.set +
                        "\", which is not among the recipe's direction_sets");
        if (set->indexOf(w.direction) < 0)
            throw Error(what + ": field '" + field + ".direction' names \"" + w.direction +
                        "\", which is not in direction set \"" + w.set + "\"");
    }
    // Every set, walked or not: the studio offers them all as sliders, where
    // a set of another size would move part of the latent only.
    for (const DirectionSet &set : directionSets)
        if (set.latentSize != latentSize)
            throw Error(what + ": direction set \"" + set.name + "\" has latent size " +
                        std::to_string(set.latentSize) + " but the generator's is " +
                        std::to_string(latentSize));
    for (int c : anchors.classes)
        if (c < 0 || c >= numClasses)
            throw Error(what + ": field 'anchors.classes' holds " + std::to_string(c) +
                        ", expected class indices in [0, " + std::to_string(numClasses) + ")");
    if (views.preserveVariance && views.sigma > 1)
        throw Error(what + ": field 'views.gaussian.sigma' is " + std::to_string(views.sigma) +
                    ", expected at most 1 with preserve_variance");
    if (views.classPositives && numClasses == 0)
        throw Error(what +
                    ": field 'views.class_positives' is true but the generator is unconditional");
}

std::string toJson(const ViewRecipe &r)
{
    return recipeJson(r, FloatText::Shortest);
}

bool recipeHashMatches(const ViewRecipe &r, const std::string &sha256)
{
    return sha256 == sha256OfBytes(toJson(r)) ||
           sha256 == sha256OfBytes(recipeJson(r, FloatText::Exact));
}

ViewRecipe recipeFromJson(const std::string &text, const std::string &path)
{
    const std::string what = "recipe " + path;
    const Json doc = json::parse(text, what, kMaxRecipeBytes);
    const Object root(doc, what, "");
    // The version is checked first so that a newer file gets that message,
    // not one about a field this build does not know.
    const long long version = root.integer("schema_version", 1, 1 << 20);
    if (version > ViewRecipe::kSchemaVersion)
        throw Error(what + ": schema_version " + std::to_string(version) +
                    " is newer than this build understands (" +
                    std::to_string(ViewRecipe::kSchemaVersion) + "); update Latent Studio");
    root.allowOnly({"schema_version", "name", "generator", "seed", "anchors", "views", "pixel",
                    "direction_sets"});

    ViewRecipe r;
    r.name = root.string("name");
    const Object gen = root.object("generator");
    gen.allowOnly({"file", "sha256", "sampler"});
    r.generator.file = gen.string("file");
    r.generator.sha256 = gen.string("sha256");
    if (gen.has("sampler")) {
        const Object s = gen.object("sampler");
        s.allowOnly({"steps", "guidance", "eta"});
        r.hasSampler = true;
        r.sampler.steps = static_cast<int>(s.integer("steps", 1, 100000, "DDIM steps"));
        r.sampler.guidance = static_cast<float>(s.number("guidance", 0, 100));
        r.sampler.eta = static_cast<float>(s.number("eta", 0, 1));
    }
    r.seed = static_cast<std::uint64_t>(root.integer("seed", 0, (1ll << 53)));

    const Object anchors = root.object("anchors");
    anchors.allowOnly({"truncation", "classes", "pool"});
    if (anchors.has("pool")) {
        const Object pool = anchors.object("pool");
        pool.allowOnly({"size", "refresh_per_step"});
        r.anchors.poolSize =
            static_cast<int>(pool.integer("size", 1, 1 << 24, "anchors in the pool"));
        r.anchors.poolRefresh =
            static_cast<int>(pool.integer("refresh_per_step", 0, r.anchors.poolSize,
                                          "new anchors per step, at most the pool's size"));
    }
    r.anchors.truncation = static_cast<float>(anchors.number("truncation", 0, 100));
    const Json &classes = anchors.raw("classes");
    if (classes.is_string() && classes == "uniform") {
    } else if (classes.is_array() && !classes.empty()) {
        for (const Json &c : classes) {
            if (!c.is_number_integer() || c.get<long long>() < 0 || c.get<long long>() > 100000)
                anchors.fail("classes",
                             "holds " + json::describe(c) + ", expected class indices >= 0");
            r.anchors.classes.push_back(c.get<int>());
        }
    } else {
        anchors.fail("classes", "is " + classes.dump() +
                                    ", expected \"uniform\" or a non-empty array of class indices");
    }

    const Object views = root.object("views");
    views.allowOnly({"per_anchor", "class_positives", "gaussian", "steered", "renoise"});
    if (views.has("renoise")) {
        const Object renoise = views.object("renoise");
        renoise.allowOnly({"strength"});
        r.views.renoise = static_cast<float>(
            renoise.number("strength", 0, 1, "the noise level of re-noised views, 0 to 1"));
    }
    r.views.perAnchor = static_cast<int>(views.integer("per_anchor", 1, 64));
    r.views.classPositives = views.boolean("class_positives");
    const Object gaussian = views.object("gaussian");
    gaussian.allowOnly({"enabled", "sigma", "preserve_variance"});
    r.views.gaussian = gaussian.boolean("enabled");
    r.views.preserveVariance =
        gaussian.has("preserve_variance") && gaussian.boolean("preserve_variance");
    r.views.sigma = static_cast<float>(
        r.views.preserveVariance
            ? gaussian.number("sigma", 0, 1, "with preserve_variance, the noise's share")
            : gaussian.number("sigma", 0, 10));
    const Json &steered = views.raw("steered");
    if (!steered.is_array())
        views.fail("steered", "is " + json::describe(steered) + ", expected an array");
    for (std::size_t i = 0; i < steered.size(); ++i) {
        const Object w(steered[i], what, "views.steered[" + std::to_string(i) + "]");
        w.allowOnly({"set", "direction", "alpha", "distribution"});
        ViewRecipe::SteeredWalk walk;
        walk.set = w.string("set");
        walk.direction = w.string("direction");
        const auto alpha = floatRange(w, "alpha", -100, 100);
        walk.alphaMin = alpha.first;
        walk.alphaMax = alpha.second;
        walk.normal = w.string("distribution", {"uniform", "normal"}) == "normal";
        r.views.steered.push_back(walk);
    }

    const Object pixel = root.object("pixel");
    pixel.allowOnly(
        {"random_resized_crop", "horizontal_flip", "color_jitter", "grayscale", "gaussian_blur"});
    auto &p = r.pixel;
    const Object crop = pixel.object("random_resized_crop");
    crop.allowOnly({"p", "scale", "ratio"});
    p.cropP = static_cast<float>(crop.number("p", 0, 1));
    p.cropScale = floatRange(crop, "scale", 0.01, 1);
    p.cropRatio = floatRange(crop, "ratio", 0.1, 10);
    const Object flip = pixel.object("horizontal_flip");
    flip.allowOnly({"p"});
    p.flipP = static_cast<float>(flip.number("p", 0, 1));
    const Object jitter = pixel.object("color_jitter");
    jitter.allowOnly({"p", "brightness", "contrast", "saturation", "hue"});
    p.jitterP = static_cast<float>(jitter.number("p", 0, 1));
    p.brightness = static_cast<float>(jitter.number("brightness", 0, 1));
    p.contrast = static_cast<float>(jitter.number("contrast", 0, 1));
    p.saturation = static_cast<float>(jitter.number("saturation", 0, 1));
    p.hue = static_cast<float>(jitter.number("hue", 0, 0.5));
    const Object gray = pixel.object("grayscale");
    gray.allowOnly({"p"});
    p.grayscaleP = static_cast<float>(gray.number("p", 0, 1));
    const Object blur = pixel.object("gaussian_blur");
    blur.allowOnly({"p", "sigma"});
    p.blurP = static_cast<float>(blur.number("p", 0, 1));
    p.blurSigma = floatRange(blur, "sigma", 0.01, 10);

    const Json &sets = root.raw("direction_sets");
    if (!sets.is_array())
        root.fail("direction_sets", "is " + json::describe(sets) + ", expected an array");
    for (std::size_t i = 0; i < sets.size(); ++i) {
        DirectionSet s =
            readSet(Object(sets[i], what, "direction_sets[" + std::to_string(i) + "]"));
        if (r.findSet(s.name))
            throw Error(what + ": field 'direction_sets[" + std::to_string(i) +
                        "].name' repeats \"" + s.name + "\"; set names must be unique");
        r.directionSets.push_back(std::move(s));
    }
    return r;
}

ViewRecipe readRecipe(const std::string &path)
{
    return recipeFromJson(readFileCapped(path, "recipe " + path, kMaxRecipeBytes), path);
}

void writeRecipe(const ViewRecipe &recipe, const std::string &path)
{
    writeFileAtomically(path, toJson(recipe));
}

std::string directionSetToJson(const DirectionSet &set)
{
    return setJson(set, FloatText::Shortest).dump(2) + "\n";
}

DirectionSet directionSetFromJson(const std::string &text, const std::string &path)
{
    const std::string what = "direction set " + path;
    const Json doc = json::parse(text, what, kMaxRecipeBytes);
    return readSet(Object(doc, what, ""));
}

namespace {

class Sha256
{
public:
    Sha256() : m_ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free)
    {
        EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr);
    }
    void add(const char *data, std::size_t size) { EVP_DigestUpdate(m_ctx.get(), data, size); }
    std::string hex()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(m_ctx.get(), digest, &len);
        std::string text;
        char byte[3];
        for (unsigned int i = 0; i < len; ++i) {
            std::snprintf(byte, sizeof byte, "%02x", digest[i]);
            text += byte;
        }
        return text;
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_ctx;
};

} // namespace

std::string sha256OfFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path + " to hash it");
    Sha256 hash;
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        if (in.gcount() > 0) hash.add(buf, static_cast<std::size_t>(in.gcount()));
    }
    return hash.hex();
}

std::string sha256OfBytes(const std::string &bytes)
{
    return sha256OfData(bytes.data(), bytes.size());
}

std::string sha256OfData(const void *data, std::size_t size)
{
    Sha256 hash;
    hash.add(static_cast<const char *>(data), size);
    return hash.hex();
}

} // namespace latent
