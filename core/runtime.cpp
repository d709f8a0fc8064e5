// SPDX-License-Identifier: MIT
#include "runtime.h"

#include <torch/torch.h>

#include <dlfcn.h>
#include <fstream>
#include <thread>

namespace latent {

void configureRuntime(int threads)
{
    // OpenBLAS reads OPENBLAS_NUM_THREADS when it is loaded, before main();
    // its setter is looked up at run time because the BLAS in use is chosen by
    // Debian's alternatives and may not be OpenBLAS at all.
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(1);
    const int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
    torch::set_num_threads(std::max(1, n));
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

void setThreadTorchThreads(int threads)
{
    at::get_num_threads(); // ATen's lazy per-thread initialisation first, or it undoes ours
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads")))
        set(std::max(1, threads));
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
