// SPDX-License-Identifier: MIT
#include "tensorallocator.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LATENT_ASAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define LATENT_ASAN 1
#endif

#include <c10/core/CPUAllocator.h>
#ifdef LATENT_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace latent {
namespace {

class ReusingAllocator final : public c10::Allocator
{
public:
    c10::DataPtr allocate(std::size_t bytes) const override
    {
        const std::size_t size = (bytes + kAlignment - 1) / kAlignment * kAlignment;
        // Smaller tensors exactly as before: LibTorch's own allocator.
        if (size < kSmallest) return c10::GetDefaultCPUAllocator()->allocate(bytes);
        void *block = reuseOrAllocate(size);
        // The context is the block itself, as raw_deleter() promises.
        return {block, block, &release, c10::Device(c10::DeviceType::CPU)};
    }
    // Frees a block of either kind (LibTorch's own frees with free()).
    c10::DeleterFnPtr raw_deleter() const override { return &release; }

    static ReusingAllocator &instance()
    {
        static auto *allocator = new ReusingAllocator; // outlives every tensor
        return *allocator;
    }

    void freeKept() const
    {
        std::vector<void *> blocks;
        {
            std::lock_guard lock(mutex_);
            for (auto &[size, kept] : free_) {
                for (void *block : kept) {
                    ASAN_UNPOISON_MEMORY_REGION(block, size);
                    sizes_.erase(block);
                    blocks.push_back(block);
                }
            }
            free_.clear();
            keptBytes_ = 0;
        }
        for (void *block : blocks)
            std::free(block);
    }

    static constexpr std::size_t smallest() { return kSmallest; }

    std::size_t kept() const
    {
        std::lock_guard lock(mutex_);
        return keptBytes_;
    }

private:
    static constexpr std::size_t kAlignment = 64; // LibTorch's own
#ifdef LATENT_ASAN
    static constexpr std::size_t kSmallest = 128 << 10;  // ASan's own allocator keeps smaller ones
    static constexpr std::size_t kMostKept = 4ull << 30; // in free blocks, all sizes together
#else
    static constexpr std::size_t kSmallest = 64 << 20;   // glibc's arenas keep smaller ones
    static constexpr std::size_t kMostKept = 2ull << 30; // in free blocks, all sizes together
#endif

    void *reuseOrAllocate(std::size_t size) const // size >= kSmallest
    {
        {
            std::lock_guard lock(mutex_);
            auto &kept = free_[size];
            if (!kept.empty()) {
                void *block = kept.back();
                kept.pop_back();
                keptBytes_ -= size;
                ASAN_UNPOISON_MEMORY_REGION(block, size);
                return block;
            }
        }
        void *block = nullptr;
        if (::posix_memalign(&block, kAlignment, size) != 0) throw std::bad_alloc();
        std::lock_guard lock(mutex_);
        sizes_[block] = size;
        return block;
    }

    void keepOrFree(void *block) const
    {
        {
            std::lock_guard lock(mutex_);
            const auto found = sizes_.find(block);
            if (found != sizes_.end()) {
                const std::size_t size = found->second;
                if (keptBytes_ + size <= kMostKept) {
                    ASAN_POISON_MEMORY_REGION(block, size);
                    free_[size].push_back(block);
                    keptBytes_ += size;
                    return;
                }
                sizes_.erase(found);
            }
        }
        std::free(block);
    }

    static void release(void *block)
    {
        if (block) instance().keepOrFree(block);
    }

    mutable std::mutex mutex_;
    mutable std::unordered_map<std::size_t, std::vector<void *>> free_; // by size
    mutable std::unordered_map<void *, std::size_t> sizes_;             // every large block
    mutable std::size_t keptBytes_ = 0;
};

} // namespace

void reuseLargeTensorBlocks()
{
    // Above the default allocator's priority (0); tensors it made before
    // keep its deleter.
    c10::SetCPUAllocator(&ReusingAllocator::instance(), 1);
}

void releaseKeptTensorBlocks()
{
    ReusingAllocator::instance().freeKept();
}

std::size_t keptTensorBytes()
{
    return ReusingAllocator::instance().kept();
}

std::size_t smallestKeptTensorBlock()
{
    return ReusingAllocator::smallest();
}

} // namespace latent
