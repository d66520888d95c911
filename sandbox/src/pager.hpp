// sandbox/src/pager.hpp — the one pager behind every paginated search of the sandbox.
//
// Every search (payment transactions, customers, webhook profiles, bank-linking connections / accounts /
// transactions / investments, institutions, activity log) pages the same way: rows in result order (newest
// first), each with an opaque `key`; `limit` (default and maximum per endpoint), `after=<key>` (the rows after
// that row, i.e. older ones), `before=<key>` (the rows just before it, still listed in result order), never
// both; `count` / `remaining` (+ `totalCount` where the spec has it).
#ifndef MELD_SANDBOX_SRC_PAGER_HPP
#define MELD_SANDBOX_SRC_PAGER_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::emulator::detail {

using query_list = std::vector<std::pair<std::string, std::string>>;

struct page_limits {
    std::size_t default_limit = 10;
    std::size_t max_limit = 100;
};

struct page_request {
    std::size_t limit = 10;
    std::optional<std::string> before, after;
};

/// Reads `limit`, `before` and `after` from the query (first occurrence wins). Appends "[field] reason" lines
/// to `errors` for a bad limit (not an integer in 1..max) or for before + after together.
page_request parse_page_request(query_list const& query, page_limits limits, std::vector<std::string>& errors);

struct page_result {
    std::vector<std::size_t> rows;  ///< indices into the caller's row list, in result order
    std::size_t remaining = 0;      ///< matching rows beyond the page, in the paging direction
    std::size_t total = 0;          ///< every matching row (the cursor row included when it matches)
};

/// Pages rows given in result order. `keys[i]` is row i's key, `match(i)` says whether it passes the filters.
/// The cursor row itself may not match the filters. std::nullopt: the before/after key is unknown.
std::optional<page_result> paginate(std::vector<std::string_view> const& keys,
                                    std::function<bool(std::size_t)> const& match, page_request const& req);

/// Row texts joined as a JSON array text ("[]" when empty).
std::string json_rows(std::vector<std::string> const& texts);

/// Deterministic opaque pagination key (base58, 64 characters) for a row id.
std::string row_key(std::string_view id, std::uint64_t salt);

}  // namespace meld::emulator::detail

#endif
