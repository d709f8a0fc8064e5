// SPDX-License-Identifier: MIT
#include "train/trainconfig.h"

#include "runtime.h"

#include "atomicfile.h"
#include "data/dataset.h"
#include "error.h"
#include "jsonfields.h"

#include <filesystem>

namespace latent {

using json::Json;
using json::Object;

void setBudget(TrainConfig &config, int steps, double minutes)
{
    config.steps = steps > 0 ? steps : kUnlimitedSteps;
    config.minutes = minutes > 0 ? minutes : 0;
}

std::vector<std::string> encoderPresetNames()
{
    return {"small", "resnet18", "resnet50"};
}

std::string toJson(const TrainConfig &c)
{
    Json j = {
        {"schema_version", TrainConfig::kSchemaVersion},
        {"data",
         {{"source", c.data},
          {"generator", c.generator},
          {"real", c.realData},
          {"eval", c.evalData},
          {"skip_unreadable", c.skipUnreadable},
          {"max_shorter_side", c.maxShorterSide}}},
        {"encoder", {{"preset", c.encoder}, {"width", c.width}, {"resolution", c.resolution}}},
        {"budget", {{"batch", c.batch}, {"steps", c.steps}, {"minutes", c.minutes}}},
        {"optimizer",
         {{"name", c.optimizer},
          {"lr", c.lr},
          {"momentum", c.momentum},
          {"weight_decay", c.weightDecay},
          {"warmup_steps", c.warmupSteps}}},
        {"loss", {{"temperature", c.temperature}, {"base_temperature", c.baseTemperature}}},
        {"runtime",
         {{"seed", c.seed},
          {"device", c.device},
          {"precision", c.precision},
          {"threads", c.threads}}},
        {"evaluation",
         {{"probe_every", c.probeEvery},
          {"probe_train", c.probeTrain},
          {"probe_validation", c.probeValidation},
          {"validation", c.validation},
          {"validation_seed", c.validationSeed},
          {"knn_k", c.knnK},
          {"checkpoint_every", c.checkpointEvery},
          {"checkpoint_minutes", c.checkpointMinutes}}}};
    return j.dump(2) + "\n";
}

TrainConfig trainConfigFromJson(const std::string &text, const std::string &pathForMessages)
{
    const std::string what = "training config " + pathForMessages;
    const Json doc = json::parse(text, what, 1 << 20);
    const Object root(doc, what, "");
    const long long version = root.integer("schema_version", 1, 1 << 20);
    if (version > TrainConfig::kSchemaVersion)
        root.fail("schema_version", "is " + std::to_string(version) +
                                        ", newer than this build reads (" +
                                        std::to_string(TrainConfig::kSchemaVersion) + ")");
    root.allowOnly({"schema_version", "data", "encoder", "budget", "optimizer", "loss", "runtime",
                    "evaluation"});
    TrainConfig c;
    const Object data = root.object("data");
    data.allowOnly({"source", "generator", "real", "eval", "skip_unreadable", "max_shorter_side"});
    c.data = data.string("source", {"generator", "real"});
    c.generator = data.string("generator");
    c.realData = data.string("real");
    c.evalData = data.string("eval");
    // Added after schema 1 shipped: runs written before it have none.
    c.skipUnreadable = data.has("skip_unreadable") && data.boolean("skip_unreadable");
    c.maxShorterSide =
        data.has("max_shorter_side")
            ? int(data.integer(
                  "max_shorter_side", 0, 65536,
                  "pixels, the shorter side image folders are stored at; 0: as they are"))
            : 0;

    const Object enc = root.object("encoder");
    enc.allowOnly({"preset", "width", "resolution"});
    c.encoder = enc.string("preset", {"small", "resnet18", "resnet50"});
    c.width = static_cast<int>(enc.integer("width", 0, 1024, "0 for the preset's"));
    // LibTorch 1.13's oneDNN convolution backward crashes (SIGSEGV) on the
    // CPU with channels-last inputs of 4 channels; narrower stages are too
    // small to learn from anyway.
    if (c.width > 0 && c.width < 8)
        enc.fail("width", "is " + std::to_string(c.width) +
                              ", expected 0 (the preset's) or 8 to 1024 channels");
    // Added after schema 1 shipped: runs written before it have none.
    if (enc.has("resolution")) {
        c.resolution = static_cast<int>(
            enc.integer("resolution", 0, 1024, "pixels per side, 0 for the generator's"));
        if (c.resolution > 0 && c.resolution < 8)
            enc.fail("resolution", "is " + std::to_string(c.resolution) +
                                       ", expected 0 (the generator's) or 8 to 1024 pixels");
    }

    const Object budget = root.object("budget");
    budget.allowOnly({"batch", "steps", "minutes"});
    c.batch = static_cast<int>(budget.integer("batch", 2, 1 << 16));
    c.steps = static_cast<int>(budget.integer("steps", 1, 100000000));
    c.minutes = budget.number("minutes", 0, 1e6, "0 for no time limit");

    const Object opt = root.object("optimizer");
    opt.allowOnly({"name", "lr", "momentum", "weight_decay", "warmup_steps"});
    c.optimizer = opt.string("name", {"sgd", "adam"});
    c.lr = opt.number("lr", 1e-7, 100);
    c.momentum = opt.number("momentum", 0, 0.9999);
    c.weightDecay = opt.number("weight_decay", 0, 1);
    c.warmupSteps = static_cast<int>(opt.integer("warmup_steps", 0, 100000000));

    const Object loss = root.object("loss");
    loss.allowOnly({"temperature", "base_temperature"});
    c.temperature = loss.number("temperature", 1e-3, 100);
    c.baseTemperature = loss.number("base_temperature", 1e-3, 100);

    const Object rt = root.object("runtime");
    rt.allowOnly({"seed", "device", "precision", "threads"});
    c.seed = static_cast<std::uint64_t>(rt.integer("seed", 0, (1LL << 53)));
    c.device = rt.string("device");
    if (!isDeviceSetting(c.device))
        rt.fail("device",
                "is \"" + c.device + "\", expected \"auto\", \"cpu\", \"cuda\" or \"cuda:K\"");
    c.precision = rt.string("precision", {"auto", "fp32", "bf16", "fp16"});
    c.threads = static_cast<int>(rt.integer("threads", 0, 1024, "0 for all cores"));

    const Object ev = root.object("evaluation");
    ev.allowOnly({"probe_every", "probe_train", "probe_validation", "probe_test", "validation",
                  "validation_seed", "knn_k", "checkpoint_every", "checkpoint_minutes"});
    c.probeEvery = static_cast<int>(ev.integer("probe_every", 0, 100000000, "0 for never"));
    c.probeTrain = static_cast<int>(ev.integer("probe_train", 10, 100000000));
    // Runs written before the validation split measured online on test
    // subsets ("probe_test"); they resume with the split's defaults.
    c.probeValidation = static_cast<int>(
        ev.integer(ev.has("probe_validation") ? "probe_validation" : "probe_test", 10, 100000000));
    if (ev.has("validation"))
        c.validation = ev.number("validation", 1e-3, 0.5, "a share of the training images");
    if (ev.has("validation_seed"))
        c.validationSeed = static_cast<std::uint64_t>(ev.integer("validation_seed", 0, 1LL << 53));
    c.knnK = static_cast<int>(ev.integer("knn_k", 1, 1000));
    c.checkpointEvery = static_cast<int>(ev.integer("checkpoint_every", 1, 100000000));
    if (ev.has("checkpoint_minutes")) // runs written before it keep the default
        c.checkpointMinutes = ev.number("checkpoint_minutes", 0, 1e6, "0 for steps only");
    return c;
}

TrainConfig readTrainConfig(const std::string &path)
{
    return trainConfigFromJson(readFileCapped(path, "training config " + path, 1 << 20), path);
}

void writeTrainConfig(const TrainConfig &config, const std::string &path)
{
    writeFileAtomically(path, toJson(config));
}

void validate(const TrainConfig &c, const std::string &what)
{
    // Round trip through the strict reader: one set of limits for files and
    // for values set in code or on the command line.
    trainConfigFromJson(toJson(c), what);
    if (c.data == "generator" && c.generator.empty())
        throw Error(what + ": data.generator is empty; a generator run needs a generator file");
}

TrainConfig withAbsolutePaths(TrainConfig config)
{
    if (!config.generator.empty())
        config.generator = std::filesystem::absolute(config.generator).lexically_normal().string();
    for (std::string *source : {&config.realData, &config.evalData})
        if (!source->empty()) *source = absoluteDataSource(*source);
    return config;
}

} // namespace latent
