// SPDX-License-Identifier: MIT
#include "views/augment.h"

#include "error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>

namespace latent {
namespace {

// Per-image uniform draws for the rows of a slice: every draw is made for
// the whole batch (slice.total rows) and the slice's rows are kept, so an
// image's numbers do not depend on how the batch is split between ranks.
class Draws
{
public:
    // Draws are made on the CPU (one generator for every device) and moved to `device`.
    Draws(std::uint64_t seed, const SampleSlice &slice, int64_t rows, const at::Device &device)
        : m_gen(at::detail::createCPUGenerator(seed)), m_first(slice.first), m_rows(rows),
          m_total(slice.whole() ? rows : slice.total), m_device(device)
    {
    }
    at::Tensor rand() // [rows] in [0, 1)
    {
        return torch::rand({m_total}, m_gen).slice(0, m_first, m_first + m_rows).to(m_device);
    }
    // Per-image Bernoulli(p) as a float mask [rows].
    at::Tensor coin(float p) { return (rand() < p).to(torch::kFloat32); }
    at::Tensor uniform(float lo, float hi) { return rand() * (hi - lo) + lo; }

private:
    at::Generator m_gen;
    int64_t m_first, m_rows, m_total;
    at::Device m_device;
};

at::Tensor luminance(const at::Tensor &x) // [N, 3, H, W] -> [N, 1, H, W]
{
    return x.select(1, 0).unsqueeze(1) * 0.299f + x.select(1, 1).unsqueeze(1) * 0.587f +
           x.select(1, 2).unsqueeze(1) * 0.114f;
}

// Crop (area fraction in scale, aspect in ratio, random position) and flip,
// as one affine resampling per image.
at::Tensor cropAndFlip(const at::Tensor &x, const ViewRecipe::Pixel &p, Draws &draw)
{
    const int64_t n = x.size(0);
    const auto apply = draw.coin(p.cropP);
    const auto area = draw.uniform(p.cropScale.first, p.cropScale.second);
    const auto logRatio = draw.uniform(std::log(p.cropRatio.first), std::log(p.cropRatio.second));
    auto w = (area * logRatio.exp()).sqrt().clamp_max(1.0f); // fractions of the side
    auto h = (area / logRatio.exp()).sqrt().clamp_max(1.0f);
    w = apply * w + (1 - apply);
    h = apply * h + (1 - apply);
    const auto cx = (draw.rand() * 2 - 1) * (1 - w);
    const auto cy = (draw.rand() * 2 - 1) * (1 - h);
    const auto flip = 1 - 2 * draw.coin(p.flipP); // -1 flips
    auto theta = torch::zeros({n, 2, 3}, x.options());
    theta.select(1, 0).select(1, 0).copy_(w * flip);
    theta.select(1, 0).select(1, 2).copy_(cx);
    theta.select(1, 1).select(1, 1).copy_(h);
    theta.select(1, 1).select(1, 2).copy_(cy);
    const auto grid = at::affine_grid_generator(theta, x.sizes(), false);
    return at::grid_sampler(x, grid, /*bilinear*/ 0, /*border*/ 1, false);
}

at::Tensor jitter(at::Tensor x, const ViewRecipe::Pixel &p, Draws &draw)
{
    const int64_t n = x.size(0);
    const auto on = draw.coin(p.jitterP).view({n, 1, 1, 1});
    const auto factor = [&](float strength) {
        return (draw.uniform(std::max(0.0f, 1 - strength), 1 + strength).view({n, 1, 1, 1}) - 1) *
                   on +
               1;
    };
    const auto b = factor(p.brightness), c = factor(p.contrast), s = factor(p.saturation);
    const auto hue = (draw.uniform(-p.hue, p.hue) * on.view({n})).view({n, 1, 1});
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
        static const auto toRgb = torch::linalg_inv(toYiq.to(torch::kFloat64)).to(torch::kFloat32);
        const auto yiq = torch::einsum("ij,njhw->nihw", {toYiq.to(x.device()), x}); // [N, 3, H, W]
        const auto angle = hue * (2 * M_PI);                                        // [N, 1, 1]
        const auto ii = yiq.select(1, 1), qq = yiq.select(1, 2);
        const auto rotated = torch::stack({yiq.select(1, 0), ii * angle.cos() - qq * angle.sin(),
                                           ii * angle.sin() + qq * angle.cos()},
                                          1);
        x = torch::einsum("ij,njhw->nihw", {toRgb.to(x.device()), rotated}).clamp(0, 1);
    }
    return x;
}

// Separable Gaussian blur with a per-image sigma (grouped convolution).
at::Tensor blur(const at::Tensor &x, const ViewRecipe::Pixel &p, Draws &draw)
{
    const int64_t n = x.size(0), ch = x.size(1);
    const auto on = draw.coin(p.blurP);
    const auto sigma = draw.uniform(p.blurSigma.first, p.blurSigma.second);
    const int radius = std::max(1, static_cast<int>(std::ceil(3 * p.blurSigma.second)));
    const auto offsets = torch::arange(-radius, radius + 1, x.options());
    auto k = (-(offsets.pow(2)).unsqueeze(0) / (2 * sigma.pow(2)).unsqueeze(1)).exp(); // [N, 2r+1]
    k = k / k.sum(1, true);
    const auto identity = (offsets == 0).to(x.scalar_type()).unsqueeze(0);
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
                         std::uint64_t seed, const SampleSlice &slice)
{
    if (!slice.whole() && (slice.first < 0 || slice.first + images.size(0) > slice.total))
        throw Error("augmentPixels: rows " + std::to_string(slice.first) + ".." +
                    std::to_string(slice.first + images.size(0)) + " are outside a batch of " +
                    std::to_string(slice.total));
    Draws draw(seed, slice, images.size(0), images.device());
    auto x = cropAndFlip(images.to(torch::kFloat32), pixel, draw);
    x = jitter(x, pixel, draw);
    if (x.size(1) == 3) {
        const auto grey = draw.coin(pixel.grayscaleP).view({-1, 1, 1, 1});
        x = grey * luminance(x).expand_as(x) + (1 - grey) * x;
    }
    if (pixel.blurP > 0) x = blur(x, pixel, draw);
    return x.clamp(0, 1);
}

} // namespace latent
