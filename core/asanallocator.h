// SPDX-License-Identifier: MIT
#pragma once

namespace latent {

// Under AddressSanitizer only (a no-op otherwise): LibTorch's CPU tensors of
// 128 KiB or more come from blocks that are kept when freed and reused for
// the next tensor of the same size, poisoned while unused so that a use
// after free is still reported. ASan maps every such block afresh and
// unmaps it after quarantine: a training step then spends most of its time
// in the kernel faulting in zeroed pages (tools/sanitize.sh ran its tests at
// 40% system time). Called by configureRuntime().
void reuseLargeTensorBlocksUnderAsan();

} // namespace latent
