// SPDX-License-Identifier: MIT
#include "generatorinfo.h"

#include "atomicfile.h"
#include "error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace latent {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxSidecarBytes = 1 << 20;

[[noreturn]] void fail(const std::string &path, const std::string &what)
{
    throw Error("sidecar " + path + ": " + what);
}

std::string typeName(const json &v)
{
    if (v.is_number_integer()) return "integer " + v.dump();
    if (v.is_number()) return "number " + v.dump();
    if (v.is_string()) return "string " + v.dump();
    return std::string(v.type_name());
}

const json &require(const json &doc, const std::string &path, const char *field,
                    const char *expected)
{
    auto it = doc.find(field);
    if (it == doc.end())
        fail(path, std::string("missing field '") + field + "' (expected " + expected + ")");
    return *it;
}

int intField(const json &doc, const std::string &path, const char *field, int lo, int hi,
             const char *meaning)
{
    const std::string expected = std::string("an integer in [") + std::to_string(lo) + ", " +
                                 std::to_string(hi) + "], " + meaning;
    const json &v = require(doc, path, field, expected.c_str());
    if (!v.is_number_integer())
        fail(path,
             std::string("field '") + field + "' is " + typeName(v) + ", expected " + expected);
    const auto value = v.get<long long>();
    if (value < lo || value > hi)
        fail(path, std::string("field '") + field + "' is " + std::to_string(value) +
                       ", expected " + expected);
    return static_cast<int>(value);
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

GeneratorInfo parseSidecar(const std::string &text, const std::string &path)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error &e) {
        fail(path, std::string("not valid JSON (") + e.what() + ")");
    }
    if (!doc.is_object()) fail(path, "expected a JSON object at the top level");

    static const std::set<std::string> known = {
        "schema_version", "name",         "latent_size", "num_classes", "class_names", "channels",
        "resolution",     "output_range", "call",        "description", "license",     "training"};
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (!known.count(it.key()))
            fail(path, "unknown field '" + it.key() + "' (see docs/generator-format.md)");

    const int version = intField(doc, path, "schema_version", 1, 1 << 20, "the sidecar schema");
    if (version > GeneratorInfo::kSchemaVersion)
        fail(path, "schema_version " + std::to_string(version) +
                       " is newer than this build understands (" +
                       std::to_string(GeneratorInfo::kSchemaVersion) + ")");

    GeneratorInfo info;
    const json &name = require(doc, path, "name", "a string");
    if (!name.is_string()) fail(path, "field 'name' is " + typeName(name) + ", expected a string");
    info.name = name.get<std::string>();
    info.latentSize = intField(doc, path, "latent_size", 1, kMaxLatentSize, "the size of z");
    info.numClasses =
        intField(doc, path, "num_classes", 0, kMaxClasses, "0 for an unconditional generator");
    info.channels = intField(doc, path, "channels", 1, 3, "1 (grey) or 3 (RGB)");
    if (info.channels == 2) fail(path, "field 'channels' is 2, expected 1 (grey) or 3 (RGB)");
    info.resolution = intField(doc, path, "resolution", 4, kMaxResolution, "pixels per side");

    const json &range = require(doc, path, "output_range", "[min, max]");
    if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number())
        fail(path, "field 'output_range' is " + range.dump() + ", expected [min, max] numbers");
    info.outputMin = range[0].get<float>();
    info.outputMax = range[1].get<float>();
    if (!(info.outputMin < info.outputMax))
        fail(path, "field 'output_range' is " + range.dump() + ", expected min < max");

    const json &call = require(doc, path, "call", "\"z\" or \"z,y\"");
    if (!call.is_string() || (call != "z" && call != "z,y"))
        fail(path, "field 'call' is " + call.dump() + ", expected \"z\" or \"z,y\"");
    info.call = call == "z,y" ? CallSignature::ZY : CallSignature::Z;
    if (info.call == CallSignature::ZY && info.numClasses == 0)
        fail(path, "field 'call' is \"z,y\" but 'num_classes' is 0; a conditional generator "
                   "needs num_classes >= 1");
    if (info.call == CallSignature::Z && info.numClasses > 0)
        fail(path, "field 'num_classes' is " + std::to_string(info.numClasses) +
                       " but 'call' is \"z\"; a conditional generator is called as \"z,y\"");

    if (auto it = doc.find("class_names"); it != doc.end()) {
        if (!it->is_array() || static_cast<int>(it->size()) != info.numClasses)
            fail(path, "field 'class_names' must be an array of " +
                           std::to_string(info.numClasses) + " strings");
        for (const auto &n : *it) {
            if (!n.is_string())
                fail(path, "field 'class_names' holds " + typeName(n) + ", expected strings");
            info.classNames.push_back(n.get<std::string>());
        }
    }
    return info;
}

GeneratorInfo readSidecar(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("sidecar " + path + ": cannot be opened for reading");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxSidecarBytes)
        fail(path, "file is " + std::to_string(text.str().size()) + " bytes, expected at most " +
                       std::to_string(kMaxSidecarBytes));
    return parseSidecar(text.str(), path);
}

void writeSidecar(const GeneratorInfo &info, const std::string &path)
{
    json doc = {{"schema_version", GeneratorInfo::kSchemaVersion},
                {"name", info.name},
                {"latent_size", info.latentSize},
                {"num_classes", info.numClasses},
                {"channels", info.channels},
                {"resolution", info.resolution},
                {"output_range", {info.outputMin, info.outputMax}},
                {"call", info.call == CallSignature::ZY ? "z,y" : "z"}};
    if (!info.classNames.empty()) doc["class_names"] = info.classNames;
    writeFileAtomically(path, doc.dump(2) + "\n");
}

} // namespace latent
