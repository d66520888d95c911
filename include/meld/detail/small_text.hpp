// meld/detail/small_text.hpp — a fixed-capacity string that never allocates (longer text is truncated).
//
// For short answer-header values kept per call (content type, Retry-After, Date, a request id): the hot
// path must not allocate for them.
#ifndef MELD_DETAIL_SMALL_TEXT_HPP
#define MELD_DETAIL_SMALL_TEXT_HPP

#include <cstddef>
#include <cstring>
#include <string_view>

namespace meld::detail {

template <std::size_t Capacity>
class small_text {
    static_assert(Capacity > 0 && Capacity < 256, "small_text keeps its length in one byte");

public:
    small_text() noexcept = default;
    small_text(std::string_view s) noexcept { assign(s); }  // NOLINT: implicit, like std::string
    small_text(char const* s) noexcept { assign(std::string_view(s)); }  // NOLINT

    /// Keeps the first Capacity bytes of `s`; returns false when it had to truncate.
    bool assign(std::string_view s) noexcept
    {
        std::size_t const n = s.size() < Capacity ? s.size() : Capacity;
        if (n != 0)
            std::memcpy(data_, s.data(), n);
        size_ = static_cast<unsigned char>(n);
        return n == s.size();
    }
    void clear() noexcept { size_ = 0; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    std::string_view view() const noexcept { return {data_, size_}; }
    operator std::string_view() const noexcept { return view(); }

private:
    char data_[Capacity]{};
    unsigned char size_ = 0;
};

}  // namespace meld::detail

#endif
