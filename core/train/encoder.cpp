// SPDX-License-Identifier: MIT
#include "train/encoder.h"

#include "atomicfile.h"
#include "error.h"

#include <torch/nn/functional.h>
#include <torch/script.h>

#include <sstream>

namespace latent {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int in, int out, int kernel, int stride)
{
    return nn::Conv2d(
        nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

// Inputs arrive in [0, 1]; the network sees [-1, 1].
torch::Tensor centre(const torch::Tensor &images)
{
    return images * 2.0 - 1.0;
}

} // namespace

int EncoderSpec::featureDim() const
{
    return width * (1 << (blocks.size() - 1)) * (bottleneck ? 4 : 1);
}

EncoderSpec encoderPreset(const std::string &name, int inChannels, int width)
{
    EncoderSpec s;
    s.preset = name;
    s.inChannels = inChannels;
    if (name == "small") {
        s.width = 16;
        s.blocks = {1, 1, 1, 1};
    } else if (name == "resnet18") {
        s.width = 64;
        s.blocks = {2, 2, 2, 2};
    } else if (name == "resnet50") {
        s.width = 64;
        s.blocks = {3, 4, 6, 3};
        s.bottleneck = true;
    } else {
        throw Error("encoder preset \"" + name +
                    "\" is unknown; expected small, resnet18 or resnet50");
    }
    if (width > 0) s.width = width;
    if (s.width > 1024)
        throw Error("encoder width " + std::to_string(s.width) + " is too large (at most 1024)");
    return s;
}

EncoderImpl::EncoderImpl(const EncoderSpec &spec) : m_spec(spec)
{
    const int expansion = spec.bottleneck ? 4 : 1;
    m_stem = register_module("stem", conv(spec.inChannels, spec.width, 3, 1));
    m_stemBn = register_module("stem_bn", SyncBatchNorm(spec.width));
    int in = spec.width;
    for (size_t stage = 0; stage < spec.blocks.size(); ++stage) {
        const int mid = spec.width << stage, out = mid * expansion;
        for (int i = 0; i < spec.blocks[stage]; ++i) {
            const int stride = (stage > 0 && i == 0) ? 2 : 1;
            const std::string p = "block" + std::to_string(m_blocks.size()) + "_";
            Block b;
            if (spec.bottleneck) {
                b.conv1 = register_module(p + "conv1", conv(in, mid, 1, 1));
                b.conv2 = register_module(p + "conv2", conv(mid, mid, 3, stride));
                b.conv3 = register_module(p + "conv3", conv(mid, out, 1, 1));
                b.bn3 = register_module(p + "bn3", SyncBatchNorm(out));
            } else {
                b.conv1 = register_module(p + "conv1", conv(in, mid, 3, stride));
                b.conv2 = register_module(p + "conv2", conv(mid, out, 3, 1));
            }
            b.bn1 = register_module(p + "bn1", SyncBatchNorm(mid));
            b.bn2 = register_module(p + "bn2", SyncBatchNorm(spec.bottleneck ? mid : out));
            if (stride != 1 || in != out) {
                b.shortcut = register_module(p + "shortcut", conv(in, out, 1, stride));
                b.shortcutBn = register_module(p + "shortcut_bn", SyncBatchNorm(out));
            }
            m_blocks.push_back(b);
            in = out;
        }
    }
    const int f = spec.featureDim();
    m_head1 = register_module("head1", nn::Linear(f, f));
    m_head2 = register_module("head2", nn::Linear(f, spec.projectionDim));
    for (auto &module : modules(false)) {
        if (auto *c = module->as<nn::Conv2d>())
            nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
    }
}

void EncoderImpl::useChannelsLast()
{
    torch::NoGradGuard noGrad;
    for (auto &p : parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

void EncoderImpl::setCommunicator(const std::shared_ptr<Communicator> &comm)
{
    for (auto &module : modules(false))
        if (auto *bn = module->as<SyncBatchNorm>()) bn->setCommunicator(comm);
}

torch::Tensor EncoderImpl::runBlock(Block &b, const torch::Tensor &x)
{
    // In place where autograd allows it: batch norm's backward keeps its
    // input, not its output, so the ReLU and the residual sum reuse the
    // batch-norm output's buffer instead of allocating two more per block.
    auto h = b.bn1(b.conv1(x)).relu_();
    h = b.bn2(b.conv2(h));
    if (b.conv3) h = b.bn3(b.conv3(h.relu_()));
    return h.add_(b.shortcut ? b.shortcutBn(b.shortcut(x)) : x).relu_();
}

torch::Tensor EncoderImpl::featureMap(const torch::Tensor &images)
{
    auto x = m_stemBn(m_stem(centre(images))).relu_();
    for (auto &b : m_blocks)
        x = runBlock(b, x);
    return x;
}

torch::Tensor EncoderImpl::features(const torch::Tensor &images)
{
    return featureMap(images).mean({2, 3});
}

torch::Tensor EncoderImpl::probeFeatures(const torch::Tensor &images)
{
    return torch::adaptive_avg_pool2d(featureMap(images), {2, 2}).flatten(1);
}

std::pair<torch::Tensor, torch::Tensor>
EncoderImpl::probeAndGlobalFeatures(const torch::Tensor &images)
{
    const auto map = featureMap(images); // [N, F, h, w]
    return {torch::adaptive_avg_pool2d(map, {2, 2}).flatten(1), map.mean({2, 3})};
}

torch::Tensor EncoderImpl::project(const torch::Tensor &features)
{
    const auto z = m_head2(torch::relu(m_head1(features)));
    return torch::nn::functional::normalize(z.to(torch::kFloat32),
                                            torch::nn::functional::NormalizeFuncOptions().dim(1));
}

// The exported module is TorchScript source written from the same structure,
// with the trained tensors registered under their (dot-free) names.
void exportEncoderTorchScript(EncoderImpl &encoder, const std::string &path,
                              const std::string &protocol)
{
    torch::NoGradGuard noGrad;
    torch::jit::Module m("LatentStudioEncoder");
    const auto key = [](std::string name) {
        for (char &c : name)
            if (c == '.') c = '_';
        return name;
    };
    for (const auto &p : encoder.named_parameters())
        if (p.key().rfind("head", 0) != 0)
            m.register_parameter(key(p.key()),
                                 p.value().detach().to(torch::kCPU).contiguous().clone(), false);
    for (const auto &b : encoder.named_buffers())
        if (b.key().find("num_batches_tracked") == std::string::npos)
            m.register_buffer(key(b.key()),
                              b.value().detach().to(torch::kCPU).contiguous().clone());

    std::ostringstream src;
    const auto convCall = [&](const std::string &name, const std::string &in, int stride, int pad) {
        return "torch.conv2d(" + in + ", self." + name + "_weight, None, [" +
               std::to_string(stride) + ", " + std::to_string(stride) + "], [" +
               std::to_string(pad) + ", " + std::to_string(pad) + "])";
    };
    const auto bnCall = [&](const std::string &name, const std::string &in) {
        const std::string s = "self." + name;
        return "torch.batch_norm(" + in + ", " + s + "_weight, " + s + "_bias, " + s +
               "_running_mean, " + s + "_running_var, False, 0.1, 1e-05, False)";
    };
    const auto &spec = encoder.spec();
    // feature_map: the last stage [N, C, h, w]; forward: globally pooled
    // [N, C] (the embedding); probe_features: pooled to 2x2 [N, 4C], the
    // features the reported linear probe and kNN are measured on.
    src << "def forward(self, images):\n"
        << "    return self.feature_map(images).mean([2, 3])\n"
        << "def probe_features(self, images):\n"
        << "    return torch.adaptive_avg_pool2d(self.feature_map(images), [2, 2]).flatten(1)\n"
        << "def feature_map(self, images):\n"
        << "    x = images * 2.0 - 1.0\n"
        << "    x = torch.relu(" << bnCall("stem_bn", convCall("stem", "x", 1, 1)) << ")\n";
    int index = 0, in = spec.width;
    for (size_t stage = 0; stage < spec.blocks.size(); ++stage) {
        const int out = (spec.width << stage) * (spec.bottleneck ? 4 : 1);
        for (int i = 0; i < spec.blocks[stage]; ++i, ++index) {
            const int stride = (stage > 0 && i == 0) ? 2 : 1;
            const std::string p = "block" + std::to_string(index) + "_";
            if (spec.bottleneck) {
                src << "    h = torch.relu(" << bnCall(p + "bn1", convCall(p + "conv1", "x", 1, 0))
                    << ")\n"
                    << "    h = torch.relu("
                    << bnCall(p + "bn2", convCall(p + "conv2", "h", stride, 1)) << ")\n"
                    << "    h = " << bnCall(p + "bn3", convCall(p + "conv3", "h", 1, 0)) << "\n";
            } else {
                src << "    h = torch.relu("
                    << bnCall(p + "bn1", convCall(p + "conv1", "x", stride, 1)) << ")\n"
                    << "    h = " << bnCall(p + "bn2", convCall(p + "conv2", "h", 1, 1)) << "\n";
            }
            if (stride != 1 || in != out)
                src << "    x = torch.relu(h + "
                    << bnCall(p + "shortcut_bn", convCall(p + "shortcut", "x", stride, 0)) << ")\n";
            else
                src << "    x = torch.relu(h + x)\n";
            in = out;
        }
    }
    src << "    return x\n";
    if (!protocol.empty()) {
        // A single-quoted TorchScript string: backslashes and quotes escaped
        // (JSON text has no raw newlines).
        std::string quoted;
        for (char c : protocol) {
            if (c == '\\' || c == '\'') quoted += '\\';
            quoted += c;
        }
        src << "def protocol(self) -> str:\n    return '" << quoted << "'\n";
    }
    m.define(src.str());
    m.eval();
    std::ostringstream bytes;
    m.save(bytes);
    writeFileAtomically(path, bytes.str());
}

} // namespace latent
