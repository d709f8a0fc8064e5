// SPDX-License-Identifier: MIT
#pragma once
// LibTorch's CPU tensors from blocks kept when freed and reused for the next
// tensor of the same size. Internal to core.

#include <cstddef>

namespace latent {

// Installs the allocator (called by configureRuntime()). It keeps blocks of
// 64 MiB or more: the training and batch threads allocate from glibc arenas
// other than the main one, whose heaps hold at most 64 MiB, so glibc maps
// every larger block afresh and unmaps it when freed, whatever its mmap
// threshold; a 256 px diffusion model's denoiser activations (16 x 32 x 256 x
// 256 floats: 134 MB) then faulted in 9 million zeroed pages in two training
// steps (143 s, 44% in the kernel; 17 s with them kept, docs/throughput.md).
// Under AddressSanitizer it keeps blocks of 128 KiB or more, poisoned while
// unused so that a use after free is still reported: ASan maps every such
// block afresh and unmaps it after quarantine (tools/sanitize.sh ran its
// tests at 40% system time).
void reuseLargeTensorBlocks();

// Frees the kept blocks (releaseFreeMemory() calls it).
void releaseKeptTensorBlocks();

// Bytes in the blocks kept for reuse now: allocated from the C library,
// free to the program (heapBytesInUse() leaves them out).
std::size_t keptTensorBytes();

// The smallest block kept: 64 MiB, 128 KiB under AddressSanitizer.
std::size_t smallestKeptTensorBlock();

} // namespace latent
