// SPDX-License-Identifier: MIT
#include "generatorinfo.h"

#include "atomicfile.h"
#include "data/dataset.h"
#include "error.h"
#include "jsonfields.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace latent {
namespace {

constexpr std::size_t kMaxSidecarBytes = 1 << 20;

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
    const std::string what = "sidecar " + path;
    const json::Json doc = json::parse(text, what, kMaxSidecarBytes);
    const json::Object root(doc, what, "");
    const long long version = root.integer("schema_version", 1, 1 << 20, "the sidecar schema");
    if (version > GeneratorInfo::kSchemaVersion)
        throw Error(what + ": schema_version " + std::to_string(version) +
                    " is newer than this build understands (" +
                    std::to_string(GeneratorInfo::kSchemaVersion) + ")");
    root.allowOnly({"schema_version", "name", "latent_size", "num_classes", "class_names",
                    "channels", "resolution", "output_range", "call", "description", "license",
                    "training", "real_data"});

    GeneratorInfo info;
    info.name = root.string("name");
    info.latentSize =
        static_cast<int>(root.integer("latent_size", 1, kMaxLatentSize, "the size of z"));
    info.numClasses = static_cast<int>(
        root.integer("num_classes", 0, kMaxClasses, "0 for an unconditional generator"));
    info.channels = static_cast<int>(root.integer("channels", 1, 3, "1 (grey) or 3 (RGB)"));
    if (info.channels == 2) root.fail("channels", "is 2, expected 1 (grey) or 3 (RGB)");
    info.resolution =
        static_cast<int>(root.integer("resolution", 4, kMaxResolution, "pixels per side"));

    const json::Json &range = root.raw("output_range");
    if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number())
        root.fail("output_range", "is " + range.dump() + ", expected [min, max] numbers");
    info.outputMin = range[0].get<float>();
    info.outputMax = range[1].get<float>();
    if (!(info.outputMin < info.outputMax))
        root.fail("output_range", "is " + range.dump() + ", expected min < max");

    info.call = root.string("call", {"z", "z,y"}) == "z,y" ? CallSignature::ZY : CallSignature::Z;
    if (info.call == CallSignature::ZY && info.numClasses == 0)
        root.fail("call", "is \"z,y\" but 'num_classes' is 0; a conditional generator needs "
                          "num_classes >= 1");
    if (info.call == CallSignature::Z && info.numClasses > 0)
        root.fail("num_classes",
                  "is " + std::to_string(info.numClasses) +
                      " but 'call' is \"z\"; a conditional generator is called as \"z,y\"");

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
    nlohmann::json doc = {{"schema_version", GeneratorInfo::kSchemaVersion},
                          {"name", info.name},
                          {"latent_size", info.latentSize},
                          {"num_classes", info.numClasses},
                          {"channels", info.channels},
                          {"resolution", info.resolution},
                          {"output_range", {info.outputMin, info.outputMax}},
                          {"call", info.call == CallSignature::ZY ? "z,y" : "z"}};
    if (!info.classNames.empty()) doc["class_names"] = info.classNames;
    if (!info.realData.empty()) doc["real_data"] = info.realData;
    writeFileAtomically(path, doc.dump(2) + "\n");
}

} // namespace latent
