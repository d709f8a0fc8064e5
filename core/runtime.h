// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace latent {

// The threads a process uses by default: OMP_NUM_THREADS when it is a
// positive integer (as PyTorch does; it lets a test runner or a job
// scheduler share the cores between processes), else the core count.
int defaultThreads();

// Sets torch's intra-op threads to defaultThreads() (or `threads` when > 0)
// and OpenBLAS to one thread: OpenBLAS threads fight torch's OpenMP pool;
// keeps large freed blocks in the heap for reuse (glibc). Call once at
// start-up, before any torch work.
void configureRuntime(int threads = 0);
// Returns the heap's free pages, and the large tensor blocks kept for reuse
// (tensorallocator.h), to the system (glibc's malloc_trim): the heap keeps
// freed blocks for the next training step (configureRuntime), so
// a one-off larger phase (an evaluation, a different batch shape) would
// otherwise hold its peak for the rest of the process. Call after such
// phases, not per step. No-op where the C library has no such call.
void releaseFreeMemory();

// Bytes the C library's allocator has handed out and not had back, all
// threads together (glibc's mallinfo2; the sanitizer's own count under
// AddressSanitizer), less the tensor blocks kept for reuse: the difference
// across a phase is what the phase keeps. 0 where neither exists.
std::size_t heapBytesInUse();
// What the system can give this process without swapping (MemAvailable of
// /proc/meminfo); 0 where unknown.
std::size_t availableMemoryBytes();

// Training inside the studio runs below the UI thread's priority, so that a
// redraw is not queued behind it on a machine whose cores it keeps busy.
// `niceness` (0-19 Linux nice steps above the process's own; 0 = the same)
// applies to the threads that call enterBackgroundThread() from then on.
void setBackgroundNiceness(int niceness);
// What the studio sets: its runs train 10 nice steps below its UI thread
// (they keep the cores the UI leaves idle; a redraw never waits on them).
constexpr int kInteractiveBackgroundNiceness = 10;
// Names the calling thread (at most 15 characters: top and gdb show it) and
// lowers it to the background niceness. Threads and the OpenMP pool it
// starts afterwards inherit the priority.
void enterBackgroundThread(const char *name);
// Asks the scheduler to run the calling thread (the UI thread) in short
// slices. Nice alone does not keep a redraw from waiting: a waking UI
// thread waited out the running training thread's slice, up to a 10 ms
// tick, often twice in a row (docs/soak.md, run twelve). On Linux 6.12 and
// later (EEVDF's per-thread slices) a thread with a shorter slice than the
// running one preempts it when it wakes. Keeps the thread's policy and
// nice. Returns whether the kernel reports the slice (older kernels accept
// the call and ignore it).
bool requestShortTimeSlices();

// Held while LibTorch's global random generator is seeded and drawn from
// (module initialisation takes no other generator): a run's initial
// weights, and the modules that draw beside it (the report card's
// classifiers), so that two threads never interleave their draws.
std::mutex &globalGeneratorMutex();

int torchThreads();
bool cudaAvailable();
// "CUDA" when LibTorch was built with CUDA and a device is present, else "CPU".
std::string preferredDeviceName();
std::string torchVersion();
// Torch's intra-op threads for the calling thread only (OpenMP keeps one
// count per thread): a prefetch thread can use one core while the training
// thread keeps the rest.
void setThreadTorchThreads(int threads);
// Runs task(i) for every i in [0, n) on `workers` new threads, each with
// `threadsEach` intra-op threads, autograd off and the caller's inference
// mode, and waits for them;
// rethrows the first task's failure. For independent work that a few
// threads each do faster than all of them together (small convolutions).
void runSideBySide(std::int64_t n, int workers, int threadsEach,
                   const std::function<void(std::int64_t)> &task);
// The CPU has native bfloat16 arithmetic (AVX512-BF16 or AMX): autocast to
// bf16 then roughly doubles convolution speed.
bool cpuHasBf16();

// The one device decision of a run: the generator, the view pipeline, the
// encoder, the loss and the evaluation all live on it.
struct RunDevice
{
    bool cuda = false;
    int index = 0;            // the CUDA device
    std::string name() const; // "cpu" or "cuda:K"
};
int cudaDeviceCount();
// `setting` is auto, cpu, cuda or cuda:K. auto takes CUDA when present; auto
// and cuda give local rank r the GPU r (one GPU per process, as torchrun
// does); cuda:K names one. Throws Error (naming `what`) when CUDA is asked
// for and absent, or the GPU does not exist.
RunDevice chooseDevice(const std::string &setting, int localRank, const std::string &what);
bool isDeviceSetting(const std::string &setting);

} // namespace latent
