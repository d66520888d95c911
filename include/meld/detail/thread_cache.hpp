// meld/detail/thread_cache.hpp — up to N idle objects per thread, freed by `Free` when the thread exits.
//
// The storage behind recycler (freed memory blocks) and json::detail::parser_cache (idle JSON parsers).
// get() gives this thread's storage, or nullptr once the thread-exit destructor ran: objects given back
// after that (by other thread-exit destructors) are freed at once by the caller.
#ifndef MELD_DETAIL_THREAD_CACHE_HPP
#define MELD_DETAIL_THREAD_CACHE_HPP

#include <cstddef>

namespace meld::detail {

template <class Item, std::size_t N, class Free>
class thread_cache {
public:
    static constexpr std::size_t slots = N;

    struct storage {
        Item items[N];
        std::size_t count = 0;
        ~storage()
        {
            gone() = true;
            for (std::size_t i = 0; i < count; ++i)
                Free{}(items[i]);
        }
    };

    static storage* get() noexcept
    {
        if (gone())
            return nullptr;
        thread_local storage s;
        return &s;
    }

private:
    /// Trivially destructible, so it stays readable after the storage's destructor ran at thread exit.
    static bool& gone() noexcept
    {
        thread_local bool g = false;
        return g;
    }
};

}  // namespace meld::detail

#endif
