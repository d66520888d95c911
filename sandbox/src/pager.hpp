// sandbox/src/pager.hpp — the one pager behind every paginated search of the sandbox.
//
// Every search (payment transactions, customers, webhook profiles, bank-linking connections / accounts /
// transactions / investments, institutions, activity log) pages the same way: rows in result order (newest
// first), each with an opaque `key`; `limit` (default and maximum per endpoint), `after=<key>` (the rows after
// that row, i.e. older ones), `before=<key>` (the rows just before it, still listed in result order), never
// both; `count` / `remaining` (+ `totalCount` where the spec has it). Each collection keeps a `result_order`
// (rows in result order + key index), so an unfiltered page costs O(limit) however many rows are seeded.
#ifndef MELD_SANDBOX_SRC_PAGER_HPP
#define MELD_SANDBOX_SRC_PAGER_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
    std::vector<std::size_t> rows;  ///< row indices (into the owner's row vector), in result order
    std::size_t remaining = 0;      ///< matching rows beyond the page, in the paging direction
    std::size_t total = 0;          ///< every matching row (the cursor row included when it matches)
};

/// One collection's result order: row indices into the owner's vector, with an O(1) key -> position map.
/// The owner rebuilds it lazily: `invalidate()` on any change of membership, order or keys, then
/// `if (order.stale()) order.assign(...)` before paging. Keys are copied, so the owner's vector may reallocate.
class result_order {
public:
    bool stale() const noexcept { return stale_; }
    void invalidate() noexcept { stale_ = true; }

    /// `rows` in result order; `key_of(row)` gives row's key.
    void assign(std::vector<std::size_t> rows, std::function<std::string_view(std::size_t)> const& key_of);

    std::size_t size() const noexcept { return rows_.size(); }
    std::size_t row(std::size_t position) const noexcept { return rows_[position]; }
    std::optional<std::size_t> position(std::string_view key) const;

private:
    std::vector<std::size_t> rows_;
    std::unordered_map<std::string, std::size_t> positions_;
    bool stale_ = true;
};

/// `match(row)` says whether a row passes the request's filters; an empty filter matches every row.
using row_filter = std::function<bool(std::size_t)>;

/// Pages `order`. Without a filter the cost is O(limit); with one, a single pass over the rows (the counts need
/// it). The cursor row itself may not match the filters. std::nullopt: the before/after key is unknown.
std::optional<page_result> paginate(result_order const& order, page_request const& req, row_filter const& match = {});

/// Row texts joined as a JSON array text ("[]" when empty).
std::string json_rows(std::vector<std::string> const& texts);

/// Deterministic opaque pagination key (base58, 64 characters) for a row id.
std::string row_key(std::string_view id, std::uint64_t salt);

}  // namespace meld::emulator::detail

#endif
