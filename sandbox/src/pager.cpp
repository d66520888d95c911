// sandbox/src/pager.cpp — the generic pager (see pager.hpp).
#include "pager.hpp"

#include "detail.hpp"

#include <algorithm>
#include <charconv>

namespace meld::emulator::detail {

page_request parse_page_request(query_list const& query, page_limits limits, std::vector<std::string>& errors) {
    auto get = [&](std::string_view k) -> std::optional<std::string> {
        for (auto const& [key, value] : query)
            if (key == k) return value;
        return std::nullopt;
    };
    page_request r;
    r.limit = limits.default_limit;
    if (auto l = get("limit")) {
        long long v = 0;
        auto const res = std::from_chars(l->data(), l->data() + l->size(), v);
        if (res.ec != std::errc{} || res.ptr != l->data() + l->size() || v < 1 ||
            static_cast<unsigned long long>(v) > limits.max_limit)
            errors.push_back("[limit] must be an integer between 1 and " + std::to_string(limits.max_limit));
        else
            r.limit = static_cast<std::size_t>(v);
    }
    r.before = get("before");
    r.after = get("after");
    if (r.before && r.after) errors.push_back("[before] before and after cannot be used in the same request");
    return r;
}

void result_order::assign(std::vector<std::size_t> rows, std::function<std::string_view(std::size_t)> const& key_of) {
    rows_ = std::move(rows);
    positions_.clear();
    positions_.reserve(rows_.size());
    for (std::size_t p = 0; p < rows_.size(); ++p) positions_.emplace(std::string(key_of(rows_[p])), p);
    stale_ = false;
}

std::optional<std::size_t> result_order::position(std::string_view key) const {
    auto const it = positions_.find(std::string(key));
    if (it == positions_.end()) return std::nullopt;
    return it->second;
}

std::optional<page_result> paginate(result_order const& order, page_request const& req, row_filter const& match) {
    std::optional<std::size_t> cursor;  // position of the before/after row
    if (auto const& k = req.before ? req.before : req.after) {
        cursor = order.position(*k);
        if (!cursor) return std::nullopt;
    }
    auto const n = order.size();
    // Positions [first, last) in the paging direction's range, walked from the cursor outwards.
    bool const backward = cursor && req.before;
    std::size_t const first = backward ? 0 : (cursor ? *cursor + 1 : 0);
    std::size_t const last = backward ? *cursor : n;
    page_result out;
    if (!match) {
        auto const avail = last - first;
        auto const take = std::min(req.limit, avail);
        auto const from = backward ? last - take : first;
        out.rows.reserve(take);
        for (std::size_t p = from; p < from + take; ++p) out.rows.push_back(order.row(p));
        out.remaining = avail - take;
        out.total = n;
        return out;
    }
    // Filtered: count every match (totals), then take the `limit` matches nearest the cursor.
    std::size_t in_range = 0;
    for (std::size_t p = 0; p < n; ++p) {
        if (!match(order.row(p))) continue;
        ++out.total;
        if (p >= first && p < last) ++in_range;
    }
    if (!backward) {
        for (std::size_t p = first; p < last && out.rows.size() < req.limit; ++p)
            if (match(order.row(p))) out.rows.push_back(order.row(p));
    } else {
        for (std::size_t p = last; p-- > first && out.rows.size() < req.limit;)
            if (match(order.row(p))) out.rows.push_back(order.row(p));
        std::reverse(out.rows.begin(), out.rows.end());  // pages are listed in result order
    }
    out.remaining = in_range - out.rows.size();
    return out;
}

std::string json_rows(std::vector<std::string> const& texts) {
    std::string rows = "[";
    for (std::size_t k = 0; k < texts.size(); ++k) {
        rows += k ? ",\n" : "\n";
        rows += texts[k];
    }
    rows += texts.empty() ? "]" : "\n]";
    return rows;
}

std::string row_key(std::string_view id, std::uint64_t salt) {
    std::uint64_t h = 1469598103934665603ULL ^ salt;
    for (char c : id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    std::string key = "K";
    key += derived_id(h, 63);
    return key;
}

}  // namespace meld::emulator::detail
