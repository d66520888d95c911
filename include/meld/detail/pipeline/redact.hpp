// meld/detail/pipeline/redact.hpp — sans-io: remove secrets from any text the library hands out.
//
// A server or a proxy may echo the `Authorization` value into an error body; a proxy URL carries a password.
// Every string that reaches diagnostics, an exception, a log line or an attempt event passes through a
// redactor built from the client's secrets: the API key, the full `Authorization` value, each part of a
// `id:secret` key, their base64 forms, and the proxy's credentials. Each occurrence becomes "[REDACTED]".
#ifndef MELD_DETAIL_PIPELINE_REDACT_HPP
#define MELD_DETAIL_PIPELINE_REDACT_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::detail::pipeline {

inline constexpr std::string_view redacted_marker = "[REDACTED]";

/// Standard base64 (with padding) of `in`: the form a `Basic` credential would be echoed in.
inline std::string base64_encode(std::string_view in)
{
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned const v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size())
            v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

class redactor {
public:
    redactor() = default;

    /// Adds a secret (ignored when shorter than 6 characters: too short to be a credential, too likely to
    /// occur in ordinary text). Its base64 form is added as well.
    void add_secret(std::string_view s)
    {
        add_one(s);
        if (s.size() >= min_secret)
            add_one(base64_encode(s));
    }

    /// An API key as issued (`id:secret`): the whole key, each part, and the `Authorization` value.
    void add_credential(std::string_view key, std::string_view authorization_value)
    {
        add_secret(authorization_value);
        add_secret(key);
        for (std::size_t start = 0; start <= key.size();) {
            auto const colon = key.find(':', start);
            auto const end = colon == std::string_view::npos ? key.size() : colon;
            if (end - start != key.size())
                add_secret(key.substr(start, end - start));
            if (colon == std::string_view::npos)
                break;
            start = colon + 1;
        }
    }

    bool empty() const noexcept { return secrets_.empty(); }

    /// Replaces every occurrence of every secret in `text`; overlapping occurrences become one marker (replacing
    /// one secret after the other would leave the part of a secret that overlaps one replaced before).
    void apply(std::string& text) const
    {
        if (text.empty())
            return;
        std::vector<std::pair<std::size_t, std::size_t>> spans;  // [begin, end) in the original text
        for (auto const& s : secrets_)
            for (std::size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 1))
                spans.emplace_back(pos, pos + s.size());
        if (spans.empty())
            return;
        std::sort(spans.begin(), spans.end());
        std::string out;
        out.reserve(text.size());
        std::size_t copied = 0;
        for (std::size_t i = 0; i < spans.size();) {
            std::size_t const begin = spans[i].first;
            std::size_t end = spans[i].second;
            for (++i; i < spans.size() && spans[i].first < end; ++i)
                end = std::max(end, spans[i].second);
            out.append(text, copied, begin - copied).append(redacted_marker);
            copied = end;
        }
        out.append(text, copied, std::string::npos);
        text = std::move(out);
    }

    std::string redacted(std::string_view text) const
    {
        std::string out(text);
        apply(out);
        return out;
    }

    /// True when `text` contains a secret (for a check without copying).
    bool contains_secret(std::string_view text) const noexcept
    {
        return std::any_of(secrets_.begin(), secrets_.end(),
                           [&](std::string const& s) { return text.find(s) != std::string_view::npos; });
    }

    /// Also true when `text` was cut inside a secret: it ends with the first 6 or more characters of one
    /// (a header value truncated to a fixed capacity).
    bool contains_secret_or_cut(std::string_view text) const noexcept
    {
        if (contains_secret(text))
            return true;
        return std::any_of(secrets_.begin(), secrets_.end(), [&](std::string const& s) {
            for (std::size_t n = std::min(s.size() - 1, text.size()); n >= min_secret; --n)
                if (text.substr(text.size() - n) == std::string_view(s).substr(0, n))
                    return true;
            return false;
        });
    }

private:
    static constexpr std::size_t min_secret = 6;

    void add_one(std::string_view s)
    {
        if (s.size() < min_secret)
            return;
        if (std::find(secrets_.begin(), secrets_.end(), s) != secrets_.end())
            return;
        secrets_.emplace_back(s);
        std::sort(secrets_.begin(), secrets_.end(),
                  [](std::string const& a, std::string const& b) { return a.size() > b.size(); });
    }

    std::vector<std::string> secrets_;
};

}  // namespace meld::detail::pipeline

#endif
