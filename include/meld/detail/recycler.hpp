// meld/detail/recycler.hpp — a per-thread cache of freed memory blocks for the per-call objects of the hot path.
//
// Every call allocates the same few objects (its typed state, the runner's call_op, the handlers of its socket,
// timer and strand operations). Asio's own recycling allocator caches two blocks per thread and purpose, too
// few once a strand, a TLS stream and a timer each hold one: most of them then go to the heap again. This cache
// keeps up to `slots` freed blocks per thread, matched by exact size, so a steady stream of calls reuses the
// same memory. A block freed on another thread joins that thread's cache (blocks are plain ::operator new
// memory). Under AddressSanitizer it is off (every block goes to the heap), so a use after free stays visible.
// recycling_allocator<T> is the allocator form, bound to handlers with asio::bind_allocator or get_allocator().
#ifndef MELD_DETAIL_RECYCLER_HPP
#define MELD_DETAIL_RECYCLER_HPP

#include <meld/detail/thread_cache.hpp>

#include <cstddef>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define MELD_RECYCLER_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MELD_RECYCLER_ENABLED 0
#endif
#endif
#ifndef MELD_RECYCLER_ENABLED
#define MELD_RECYCLER_ENABLED 1
#endif

namespace meld::detail {

class recycler {
    struct block {
        void* p;
        std::size_t size;
    };
    struct free_block {
        void operator()(block const& b) const noexcept { ::operator delete(b.p); }
    };
    // 64 calls in flight on one thread free ~100 blocks per round
    using cache = thread_cache<block, 128, free_block>;

public:
    static constexpr std::size_t slots = cache::slots;

    static void* allocate(std::size_t n)
    {
#if MELD_RECYCLER_ENABLED
        if (auto* c = cache::get()) {
            for (std::size_t i = c->count; i-- > 0;) {
                if (c->items[i].size == n) {
                    void* p = c->items[i].p;
                    c->items[i] = c->items[--c->count];
                    return p;
                }
            }
        }
#endif
        return ::operator new(n);
    }

    static void deallocate(void* p, std::size_t n) noexcept
    {
#if MELD_RECYCLER_ENABLED
        if (auto* c = cache::get(); c && c->count < slots) {
            c->items[c->count++] = {p, n};
            return;
        }
#else
        static_cast<void>(n);
#endif
        ::operator delete(p);
    }
};

/// A stateless allocator over recycler (alignment up to alignof(std::max_align_t)).
template <class T>
struct recycling_allocator {
    using value_type = T;
    recycling_allocator() noexcept = default;
    template <class U>
    recycling_allocator(recycling_allocator<U> const&) noexcept  // NOLINT: converting, as allocators are
    {
    }
    template <class U>
    struct rebind {
        using other = recycling_allocator<U>;
    };

    T* allocate(std::size_t n)
    {
        static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned types are not recycled");
        return static_cast<T*>(recycler::allocate(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { recycler::deallocate(p, n * sizeof(T)); }

    template <class U>
    bool operator==(recycling_allocator<U> const&) const noexcept
    {
        return true;
    }
};

}  // namespace meld::detail

#endif
