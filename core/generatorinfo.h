// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace latent {

// How the TorchScript module's forward() is called.
enum class CallSignature {
    Z,  // forward(z [N, latent] float32)
    ZY, // forward(z [N, latent] float32, y [N] int64 class indices)
};

// The JSON sidecar beside a generator (same base name, .json). Format and
// schema versions: docs/generator-format.md.
struct GeneratorInfo
{
    static constexpr int kSchemaVersion = 1;

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

    bool isConditional() const { return numClasses > 0; }
    std::string className(int index) const;
};

std::string toString(CallSignature call);

// Parses and range-checks a sidecar. Throws latent::Error naming the file and
// the field, the value found and what was expected.
GeneratorInfo readSidecar(const std::string &path);
GeneratorInfo parseSidecar(const std::string &jsonText, const std::string &pathForMessages);

// Writes `info` as a sidecar (temporary file, then rename).
void writeSidecar(const GeneratorInfo &info, const std::string &path);

// Limits that keep a hostile sidecar from asking for absurd allocations.
constexpr int kMaxLatentSize = 1 << 16;
constexpr int kMaxResolution = 4096;
constexpr int kMaxClasses = 100000;

} // namespace latent
