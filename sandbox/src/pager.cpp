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

std::optional<page_result> paginate(std::vector<std::string_view> const& keys,
                                    std::function<bool(std::size_t)> const& match, page_request const& req) {
    std::optional<std::size_t> cursor;
    if (auto const& k = req.before ? req.before : req.after) {
        auto it = std::find(keys.begin(), keys.end(), std::string_view(*k));
        if (it == keys.end()) return std::nullopt;
        cursor = static_cast<std::size_t>(it - keys.begin());
    }
    std::vector<std::size_t> filtered;
    std::size_t split = 0;  // filtered[0, split) come before the cursor, [split, end) after it
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (cursor && i == *cursor) {
            split = filtered.size();
            continue;  // the cursor row itself is on neither side
        }
        if (match(i)) filtered.push_back(i);
    }
    page_result out;
    out.total = filtered.size() + ((cursor && match(*cursor)) ? 1 : 0);
    auto const from = [&](std::size_t b, std::size_t e) {
        out.rows.assign(filtered.begin() + static_cast<std::ptrdiff_t>(b), filtered.begin() + static_cast<std::ptrdiff_t>(e));
    };
    if (cursor && req.after) {
        auto const avail = filtered.size() - split;
        auto const n = std::min(req.limit, avail);
        from(split, split + n);
        out.remaining = avail - n;
    } else if (cursor && req.before) {
        auto const n = std::min(req.limit, split);
        from(split - n, split);
        out.remaining = split - n;
    } else {
        auto const n = std::min(req.limit, filtered.size());
        from(0, n);
        out.remaining = filtered.size() - n;
    }
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
