// meld/detail/pagination_params.hpp — the vocabulary of paging: page_params, page_direction, stop_reason and
// the pagination_errc error codes (loop guard, missing key, no start key for a backward walk).
//
// Included by meld/operation.hpp (so `pages()` / `items()` can be declared there) and meld/pagination.hpp.
// No I/O here: these are plain aggregates and an error category.
//
// A walk is `forward` (`after=<key>`, further along the result order) or `backward` (`before=<key>`, back
// towards its start). It starts after/before `start_key` (exclusive) or, forward only, from the first page.
// It ends at the end of the data, at `stop_key` (the bank-linking oldestTransactionUpdatedSearchKey
// strategy) or after `max_items` rows.
#ifndef MELD_DETAIL_PAGINATION_PARAMS_HPP
#define MELD_DETAIL_PAGINATION_PARAMS_HPP

#include <meld/client_params.hpp>

#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace meld {

enum class page_direction : std::uint8_t {
    forward,   ///< `after=<key>`: further along the result order (older rows for newest-first lists)
    backward,  ///< `before=<key>`: back towards the start of the order; needs a start_key
};

/// How to walk a paginated search. Every filter of the request is kept on every page.
struct page_params {
    page_direction direction = page_direction::forward;
    std::optional<std::string> start_key{};  ///< exclusive cursor; none: the request's after/before, else page 1
    std::optional<std::string> stop_key{};   ///< stop when the row with this key is reached
    bool include_stop_key = true;            ///< deliver the stop_key row itself (the last one)
    std::optional<std::size_t> max_items{};  ///< stop after this many rows
    std::optional<std::int32_t> limit{};     ///< rows per page; none: the request's `limit` (or the server's default)
    bool prefetch = false;                   ///< request page k+1 while the caller processes page k
    call_params call{};                      ///< per-request overrides, applied to every page
};

/// Why a walk ended (meaningful once next() completed with an empty optional).
enum class stop_reason : std::uint8_t {
    none,       ///< not ended yet
    exhausted,  ///< empty page, remaining == 0, or no key on the last row
    stop_key,   ///< the stop_key row was reached
    max_items,  ///< max_items rows were delivered
};

/// Errors of the paging layer itself (the server's answers and transport errors keep their own codes).
enum class pagination_errc {
    repeated_key = 1,  ///< a page repeats a key already seen: the server would loop forever
    missing_key,       ///< a row without `key` where the walk must go on
    no_start_key,      ///< a backward walk needs a start key (there is no "last page" cursor)
};

namespace detail {

class pagination_category_impl final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "meld.pagination"; }
    std::string message(int ev) const override
    {
        switch (static_cast<pagination_errc>(ev)) {
        case pagination_errc::repeated_key: return "a page repeats a key already seen (pagination loop)";
        case pagination_errc::missing_key: return "a row without a pagination key in the middle of the stream";
        case pagination_errc::no_start_key: return "a backward walk needs a start key";
        }
        return "unknown pagination error";
    }
};

}  // namespace detail

inline boost::system::error_category const& pagination_category() noexcept
{
    static detail::pagination_category_impl const cat;
    return cat;
}

inline boost::system::error_code make_error_code(pagination_errc e) noexcept
{
    return {static_cast<int>(e), pagination_category()};
}

}  // namespace meld

template <>
struct boost::system::is_error_code_enum<meld::pagination_errc> : std::true_type {};

#endif
