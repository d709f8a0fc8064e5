// SPDX-License-Identifier: MIT
#include "runtime.h"

#include "error.h"
#include "tensorallocator.h"

#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <dlfcn.h>
#include <exception>
#include <fstream>
#include <thread>
#include <vector>

#include <malloc.h>
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LATENT_RUNTIME_ASAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define LATENT_RUNTIME_ASAN 1
#endif
#ifdef LATENT_RUNTIME_ASAN
#include <sanitizer/allocator_interface.h>
#endif
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace latent {

int defaultThreads()
{
    if (const char *env = std::getenv("OMP_NUM_THREADS")) {
        char *end = nullptr;
        const long n = std::strtol(env, &end, 10);
        if (end != env && *end == '\0' && n > 0 && n <= 4096) return static_cast<int>(n);
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void configureRuntime(int threads)
{
    reuseLargeTensorBlocks();
    // OpenBLAS reads OPENBLAS_NUM_THREADS when it is loaded, before main();
    // its setter is looked up at run time because the BLAS in use is chosen by
    // Debian's alternatives and may not be OpenBLAS at all.
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(1);
    torch::set_num_threads(threads > 0 ? threads : defaultThreads());
#ifdef __GLIBC__
    // A training step frees and allocates the same few hundred MB of
    // activations and gradients. By default glibc maps blocks above its
    // mmap threshold (at most 32 MB: a 512 x 16 x 32 x 32 float activation
    // is 33.5 MB) and unmaps them when freed, and trims freed heap tops:
    // every step then faults in fresh pages that the kernel zeroes, and
    // each unmap takes the memory-map lock that the UI thread's own page
    // faults wait on. Kept in the heap, freed blocks are reused by the next
    // step: the small encoder's backward 0.38 -> 0.12 s at batch 256 x 2 on
    // 2 cores (docs/throughput.md). Memory freed is kept until
    // releaseFreeMemory().
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // Threads other than the main one (the trainer's, the batch thread)
    // allocate from their own arenas, made of heaps of at most 64 MiB; glibc
    // deletes such a heap as soon as it is free, whatever the trim
    // threshold, unless more than the top pad would stay: each step then
    // mapped and faulted in its activations afresh. A pad of one heap keeps
    // them: the trainer's own step 109 -> 153 views/s (resnet18 preset,
    // batch 64 x 2, 2 threads), now that of the same step on the main thread.
    mallopt(M_TOP_PAD, 64 << 20);
#endif
}

void releaseFreeMemory()
{
    releaseKeptTensorBlocks();
#ifdef __GLIBC__
    // Walks every arena (the training and batch threads have their own) and
    // unmaps the whole pages of free chunks, not only the heap's top.
    malloc_trim(0);
#endif
}

std::mutex &globalGeneratorMutex()
{
    static std::mutex mutex;
    return mutex;
}

std::size_t heapBytesInUse()
{
#if defined(LATENT_RUNTIME_ASAN)
    const std::size_t allocated = __sanitizer_get_current_allocated_bytes();
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 info = mallinfo2();
    const std::size_t allocated = info.uordblks + info.hblkhd; // in the arenas, and mapped
#else
    const std::size_t allocated = 0;
#endif
    // Blocks kept for reuse are free to the program (tensorallocator.h).
    const std::size_t kept = keptTensorBytes();
    return allocated > kept ? allocated - kept : 0;
}

std::size_t availableMemoryBytes()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::size_t kib = 0;
    while (meminfo >> key >> kib) {
        if (key == "MemAvailable:") return kib * 1024;
        meminfo.ignore(256, '\n'); // the unit
    }
    return 0;
}

namespace {
std::atomic<int> g_backgroundNiceness{0};
} // namespace

void setBackgroundNiceness(int niceness)
{
    g_backgroundNiceness = std::clamp(niceness, 0, 19);
}

void enterBackgroundThread(const char *name)
{
    pthread_setname_np(pthread_self(), std::string(name).substr(0, 15).c_str());
    // Linux keeps a nice value per thread (PRIO_PROCESS with a thread id);
    // the process's is its main thread's. Only ever lowered, so a thread
    // that inherited the priority is not lowered twice.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    const int target = std::min(19, ::getpriority(PRIO_PROCESS, static_cast<id_t>(::getpid())) +
                                        g_backgroundNiceness);
    if (::getpriority(PRIO_PROCESS, tid) < target) ::setpriority(PRIO_PROCESS, tid, target);
}

namespace {

// The kernel's struct sched_attr (sched_setattr(2)); glibc 2.36 has no
// wrapper. For the normal policy, `runtime` is the requested slice.
struct SchedAttr
{
    std::uint32_t size = sizeof(SchedAttr);
    std::uint32_t policy = 0;
    std::uint64_t flags = 0;
    std::int32_t nice = 0;
    std::uint32_t priority = 0;
    std::uint64_t runtime = 0, deadline = 0, period = 0;
};

} // namespace

bool requestShortTimeSlices()
{
    // 0.1 ms, the shortest the kernel accepts; the UI thread's bursts are
    // short, so it loses little to the extra switches.
    constexpr std::uint64_t kSliceNs = 100'000;
    SchedAttr attr;
    if (::syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0 || attr.policy != SCHED_OTHER)
        return false;
    attr.size = sizeof attr;
    attr.runtime = kSliceNs;
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0) return false;
    SchedAttr now;
    return ::syscall(SYS_sched_getattr, 0, &now, sizeof now, 0) == 0 && now.runtime == kSliceNs;
}

int torchThreads()
{
    return torch::get_num_threads();
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

std::string preferredDeviceName()
{
    return cudaAvailable() ? "CUDA" : "CPU";
}

int cudaDeviceCount()
{
    return cudaAvailable() ? static_cast<int>(torch::cuda::device_count()) : 0;
}

std::string RunDevice::name() const
{
    return cuda ? "cuda:" + std::to_string(index) : "cpu";
}

namespace {

// cuda:K -> K; -1 for anything else.
int cudaIndexIn(const std::string &setting)
{
    if (setting.rfind("cuda:", 0) != 0 || setting.size() == 5 || setting.size() > 8) return -1;
    for (std::size_t i = 5; i < setting.size(); ++i)
        if (setting[i] < '0' || setting[i] > '9') return -1;
    return std::stoi(setting.substr(5));
}

} // namespace

bool isDeviceSetting(const std::string &setting)
{
    return setting == "auto" || setting == "cpu" || setting == "cuda" || cudaIndexIn(setting) >= 0;
}

RunDevice chooseDevice(const std::string &setting, int localRank, const std::string &what)
{
    if (!isDeviceSetting(setting))
        throw Error(what + ": device \"" + setting +
                    "\" is unknown; expected auto, cpu, cuda or cuda:K");
    const int count = cudaDeviceCount();
    if (setting == "cpu" || (setting == "auto" && count == 0)) return {};
    if (count == 0)
        throw Error(what + ": device is " + setting +
                    " but this LibTorch has no CUDA device; use auto or cpu");
    const int index = setting.rfind("cuda:", 0) == 0 ? cudaIndexIn(setting) : localRank;
    if (index >= count)
        throw Error(what + ": " +
                    (setting.rfind("cuda:", 0) == 0 ? "device " + setting
                                                    : "local rank " + std::to_string(localRank)) +
                    " needs GPU " + std::to_string(index) + " but " + std::to_string(count) +
                    " GPU(s) are visible");
    return {true, index};
}

void setThreadTorchThreads(int threads)
{
    at::get_num_threads(); // ATen's lazy per-thread initialisation first, or it undoes ours
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads")))
        set(std::max(1, threads));
}

void runSideBySide(std::int64_t n, int workers, int threadsEach,
                   const std::function<void(std::int64_t)> &task)
{
    std::atomic<std::int64_t> next{0};
    std::mutex failureMutex;
    std::exception_ptr failure;
    std::vector<std::thread> pool;
    const bool inference = c10::InferenceMode::is_enabled(); // thread-local, as grad mode
    for (int w = 0; w < std::max(1, workers); ++w)
        pool.emplace_back([&] {
            setThreadTorchThreads(threadsEach);
            const c10::InferenceMode inferenceMode(inference);
            const torch::NoGradGuard noGrad;
            for (std::int64_t i = next++; i < n; i = next++) {
                try {
                    task(i);
                } catch (...) {
                    const std::lock_guard lock(failureMutex);
                    if (!failure) failure = std::current_exception();
                    next = n; // the others stop after their task in hand
                }
            }
        });
    for (std::thread &t : pool)
        t.join();
    if (failure) std::rethrow_exception(failure);
}

bool cpuHasBf16()
{
    static const bool has = [] {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("flags", 0) == 0)
                return line.find(" avx512_bf16") != std::string::npos ||
                       line.find(" amx_bf16") != std::string::npos;
        return false;
    }();
    return has;
}

std::string torchVersion()
{
    return TORCH_VERSION;
}

} // namespace latent
