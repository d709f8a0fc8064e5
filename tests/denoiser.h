// SPDX-License-Identifier: MIT
#pragma once
// Diffusion models of any image size, written as TorchScript files with their
// sidecars, for what depends on the size (limits, memory, the first grid).

#include "atomicfile.h"

#include <torch/script.h>

#include <string>

namespace latent::test {

// A diffusion model of `channels` x `side` x `side` images as TorchScript
// with its sidecar; returns the .pt path. It predicts 0.1 x_t as its noise
// (any size: no weights), or with `hidden` > 0 passes x_t through two 3x3
// convolutions with `hidden` channels between them (activations to keep).
inline std::string writeDenoiser(const std::string &dir, int channels, int side, int hidden = 0)
{
    torch::jit::Module m("denoiser");
    if (hidden > 0) {
        m.register_parameter("w1", torch::randn({hidden, channels, 3, 3}) * 0.1, false);
        m.register_parameter("w2", torch::randn({channels, hidden, 3, 3}) * 0.1, false);
        m.define("def forward(self, x, t):\n"
                 "    h = torch.relu(torch.conv2d(x, self.w1, None, 1, 1))\n"
                 "    return torch.conv2d(h, self.w2, None, 1, 1)\n");
    } else {
        m.define("def forward(self, x, t):\n    return x * 0.1\n");
    }
    const std::string name = dir + "/denoiser" + std::to_string(side);
    m.save(name + ".pt");
    writeFileAtomically(name + ".json",
                        R"({"schema_version": 2, "kind": "diffusion", "name": "test", )"
                        R"("num_classes": 0, "channels": )" +
                            std::to_string(channels) + R"(, "resolution": )" +
                            std::to_string(side) +
                            R"(, "output_range": [-1, 1], "call": "x,t", "diffusion": )"
                            R"({"prediction": "eps", "timesteps": 50, "schedule": {"type": )"
                            R"("linear", "beta_start": 0.001, "beta_end": 0.2}}})");
    return name + ".pt";
}

} // namespace latent::test
