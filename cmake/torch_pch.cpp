// SPDX-License-Identifier: MIT
// The translation unit that carries cmake/torch_pch.h's precompiled header.
