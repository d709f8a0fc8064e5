// SPDX-License-Identifier: MIT
#pragma once

namespace latent::studio {

// What the studio's process sets before its first window, in one place so
// that the benchmarks measuring it (bench_soak, bench_tabs) run as it does:
// torch's threads (configureRuntime), training below the UI thread's
// priority, short time slices for the UI thread, and Qt's raster thread
// pool capped (below). Call once, after the QApplication exists. Returns
// whether the kernel granted the short time slices.
bool configureStudioRuntime();

// Qt 6.4's raster engine splits every fill of 96 or more spans (a panel, the
// outline of a tall widget) into segments for QThreadPool::globalInstance()
// and waits for them. The segments are a few microseconds of work each, so
// a page's paint is mostly thread wake-ups; with one pool thread a fill
// costs one wake-up instead of one per thread. The studio puts nothing else
// on that pool. bench_tabs: switches 10-17% cheaper while the pages had
// Fusion's frames, 0-5% without them (docs/soak.md).
constexpr int kRasterPoolThreads = 1;

} // namespace latent::studio
