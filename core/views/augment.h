// SPDX-License-Identifier: MIT
#pragma once

#include "generators/sampling.h"
#include "views/viewrecipe.h"

#include <cstdint>

namespace at {
class Tensor;
}

namespace latent {

// SimCLR-style pixel augmentations, batched and independent per image,
// deterministic in `seed`: random resized crop, horizontal flip, colour
// jitter (brightness, contrast, saturation, hue), grayscale, Gaussian blur.
// images: [N, C, H, W] float32 in [0, 1], C = 1 or 3; returns the same shape.
// Saturation, hue and grayscale leave 1-channel images unchanged.
// `slice` says which rows of a larger batch `images` are (a rank's share of a
// data-parallel step): image i is augmented as row slice.first + i of the
// whole batch would be, whatever the split.
at::Tensor augmentPixels(const at::Tensor &images, const ViewRecipe::Pixel &pixel,
                         std::uint64_t seed, const SampleSlice &slice = {});

} // namespace latent
