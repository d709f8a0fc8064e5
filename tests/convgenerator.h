// SPDX-License-Identifier: MIT
#pragma once
// GANs whose latent enters no linear layer, written as TorchScript files with
// their sidecars, for SeFa's choice of weight.

#include "atomicfile.h"

#include <torch/script.h>

#include <cmath>
#include <string>

namespace latent::test {

// With `transposedConvolution`, DCGAN's first layer: z [N, 2] as
// [N, 2, 1, 1] through a transposed convolution whose weight [2, 1, 2, 2]
// flattens to the unit columns (1, 0, 0, 0) and (0.5, sqrt(3)/2, 0, 0), so
// A^T A = [[1, .5], [.5, 1]]; images [N, 1, 4, 4]. Without, a generator with
// no parameters at all: z [N, 16] shown as a 4x4 image. Returns the .pt path.
inline std::string writeConvGenerator(const std::string &dir, bool transposedConvolution)
{
    const std::string name = transposedConvolution ? "dcgan" : "weightless";
    torch::jit::Module m(name);
    int latent = 16;
    if (transposedConvolution) {
        latent = 2;
        const float h = std::sqrt(3.0f) / 2;
        m.register_parameter(
            "up_weight",
            torch::tensor({1.0f, 0.0f, 0.0f, 0.0f, 0.5f, h, 0.0f, 0.0f}).view({2, 1, 2, 2}), false);
        m.define("def forward(self, z):\n"
                 "    x = torch.conv_transpose2d(z.view(z.shape[0], 2, 1, 1), self.up_weight)\n"
                 "    return torch.tanh(x).repeat(1, 1, 2, 2)\n");
    } else {
        m.define("def forward(self, z):\n"
                 "    return torch.tanh(z.view(z.shape[0], 1, 4, 4))\n");
    }
    const std::string pt = dir + "/" + name + ".pt";
    m.save(pt);
    writeFileAtomically(dir + "/" + name + ".json",
                        R"({"schema_version": 1, "name": ")" + name + R"(", "latent_size": )" +
                            std::to_string(latent) +
                            R"(, "num_classes": 0, "channels": 1, "resolution": 4, )"
                            R"("output_range": [-1, 1], "call": "z"})");
    return pt;
}

} // namespace latent::test
