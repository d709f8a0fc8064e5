// SPDX-License-Identifier: MIT
#include "augment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

namespace latent {
namespace {

// Per-image Bernoulli(p) as a float mask [N].
at::Tensor coin(int64_t n, float p, at::Generator &gen)
{
    return (torch::rand({n}, gen) < p).to(torch::kFloat32);
}

at::Tensor uniform(int64_t n, float lo, float hi, at::Generator &gen)
{
    return torch::rand({n}, gen) * (hi - lo) + lo;
}

at::Tensor luminance(const at::Tensor &x) // [N, 3, H, W] -> [N, 1, H, W]
{
    return x.select(1, 0).unsqueeze(1) * 0.299f + x.select(1, 1).unsqueeze(1) * 0.587f +
           x.select(1, 2).unsqueeze(1) * 0.114f;
}

// Crop (area fraction in scale, aspect in ratio, random position) and flip,
// as one affine resampling per image.
at::Tensor cropAndFlip(const at::Tensor &x, const ViewRecipe::Pixel &p, at::Generator &gen)
{
    const int64_t n = x.size(0);
    const auto apply = coin(n, p.cropP, gen);
    const auto area = uniform(n, p.cropScale.first, p.cropScale.second, gen);
    const auto logRatio =
        uniform(n, std::log(p.cropRatio.first), std::log(p.cropRatio.second), gen);
    auto w = (area * logRatio.exp()).sqrt().clamp_max(1.0f); // fractions of the side
    auto h = (area / logRatio.exp()).sqrt().clamp_max(1.0f);
    w = apply * w + (1 - apply);
    h = apply * h + (1 - apply);
    const auto cx = (torch::rand({n}, gen) * 2 - 1) * (1 - w);
    const auto cy = (torch::rand({n}, gen) * 2 - 1) * (1 - h);
    const auto flip = 1 - 2 * coin(n, p.flipP, gen); // -1 flips
    auto theta = torch::zeros({n, 2, 3});
    theta.select(1, 0).select(1, 0).copy_(w * flip);
    theta.select(1, 0).select(1, 2).copy_(cx);
    theta.select(1, 1).select(1, 1).copy_(h);
    theta.select(1, 1).select(1, 2).copy_(cy);
    const auto grid = at::affine_grid_generator(theta, x.sizes(), false);
    return at::grid_sampler(x, grid, /*bilinear*/ 0, /*border*/ 1, false);
}

at::Tensor jitter(at::Tensor x, const ViewRecipe::Pixel &p, at::Generator &gen)
{
    const int64_t n = x.size(0);
    const auto on = coin(n, p.jitterP, gen).view({n, 1, 1, 1});
    const auto factor = [&](float strength) {
        return (uniform(n, std::max(0.0f, 1 - strength), 1 + strength, gen).view({n, 1, 1, 1}) -
                1) *
                   on +
               1;
    };
    const auto b = factor(p.brightness), c = factor(p.contrast), s = factor(p.saturation);
    const auto hue = (uniform(n, -p.hue, p.hue, gen) * on.view({n})).view({n, 1, 1});
    x = (x * b).clamp(0, 1);
    const auto grey = x.size(1) == 3 ? luminance(x) : x;
    x = ((x - grey.mean({1, 2, 3}, true)) * c + grey.mean({1, 2, 3}, true)).clamp(0, 1);
    if (x.size(1) == 3) {
        const auto g = luminance(x);
        x = ((x - g) * s + g).clamp(0, 1);
        // Hue: rotate the chroma plane of YIQ by 2 pi * hue, with the exact
        // inverse of the RGB -> YIQ matrix so that hue 0 changes nothing.
        static const auto toYiq = torch::tensor({0.299f, 0.587f, 0.114f, 0.596f, -0.274f, -0.322f,
                                                 0.211f, -0.523f, 0.312f})
                                      .view({3, 3});
        static const auto toRgb = torch::linalg::inv(toYiq.to(torch::kFloat64)).to(torch::kFloat32);
        const auto yiq = torch::einsum("ij,njhw->nihw", {toYiq, x}); // [N, 3, H, W]
        const auto angle = hue * (2 * M_PI);                         // [N, 1, 1]
        const auto ii = yiq.select(1, 1), qq = yiq.select(1, 2);
        const auto rotated = torch::stack({yiq.select(1, 0), ii * angle.cos() - qq * angle.sin(),
                                           ii * angle.sin() + qq * angle.cos()},
                                          1);
        x = torch::einsum("ij,njhw->nihw", {toRgb, rotated}).clamp(0, 1);
    }
    return x;
}

// Separable Gaussian blur with a per-image sigma (grouped convolution).
at::Tensor blur(const at::Tensor &x, const ViewRecipe::Pixel &p, at::Generator &gen)
{
    const int64_t n = x.size(0), ch = x.size(1);
    const auto on = coin(n, p.blurP, gen);
    const auto sigma = uniform(n, p.blurSigma.first, p.blurSigma.second, gen);
    const int radius = std::max(1, static_cast<int>(std::ceil(3 * p.blurSigma.second)));
    const auto offsets = torch::arange(-radius, radius + 1, torch::kFloat32);
    auto k = (-(offsets.pow(2)).unsqueeze(0) / (2 * sigma.pow(2)).unsqueeze(1)).exp(); // [N, 2r+1]
    k = k / k.sum(1, true);
    const auto identity = (offsets == 0).to(torch::kFloat32).unsqueeze(0);
    k = on.unsqueeze(1) * k + (1 - on.unsqueeze(1)) * identity;
    const auto kc = k.repeat_interleave(ch, 0); // [N*C, 2r+1]
    auto flat = x.reshape({1, n * ch, x.size(2), x.size(3)});
    flat = torch::nn::functional::pad(
        flat, torch::nn::functional::PadFuncOptions({radius, radius, radius, radius})
                  .mode(torch::kReplicate));
    const std::vector<int64_t> one{1, 1}, none{0, 0};
    flat = at::conv2d(flat, kc.view({n * ch, 1, 1, -1}), at::Tensor(), one, none, one, n * ch);
    flat = at::conv2d(flat, kc.view({n * ch, 1, -1, 1}), at::Tensor(), one, none, one, n * ch);
    return flat.view_as(x);
}

} // namespace

at::Tensor augmentPixels(const at::Tensor &images, const ViewRecipe::Pixel &pixel,
                         std::uint64_t seed)
{
    auto gen = at::detail::createCPUGenerator(seed);
    auto x = cropAndFlip(images.to(torch::kFloat32), pixel, gen);
    x = jitter(x, pixel, gen);
    if (x.size(1) == 3) {
        const auto grey = coin(x.size(0), pixel.grayscaleP, gen).view({-1, 1, 1, 1});
        x = grey * luminance(x).expand_as(x) + (1 - grey) * x;
    }
    if (pixel.blurP > 0) x = blur(x, pixel, gen);
    return x.clamp(0, 1);
}

} // namespace latent
