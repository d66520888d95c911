// meld/json/detail/escape.hpp — writing JSON string literals (quotes, escapes, UTF-8 checking).
//
// Shared by the encoder and by the decoder's subtree capture (raw_json, oneOf), which re-serializes
// strings the parser handed over unescaped.
#ifndef MELD_JSON_DETAIL_ESCAPE_HPP
#define MELD_JSON_DETAIL_ESCAPE_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace meld::json::detail {

/// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 if invalid.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char const c = byte(i);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return 0;
    if (s.size() - i < n) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return n;
}

/// Appends `s` as a JSON string literal: `"` and `\` escaped, control characters as \b \f \n \r \t or
/// \u00XX, valid UTF-8 passed through, each invalid UTF-8 byte replaced by U+FFFD.
inline void append_escaped(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;  // start of the pending run of bytes copied as they are
    std::size_t i = 0;
    auto flush = [&] { out.append(s.data() + run, i - run); };
    while (i < s.size()) {
        auto const c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t const n = utf8_sequence_length(s, i)) {
                i += n;
                continue;
            }
            flush();
            out += "\xEF\xBF\xBD";
        } else {
            flush();
            out += '\\';
            switch (c) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '\b': out += 'b'; break;
            case '\f': out += 'f'; break;
            case '\n': out += 'n'; break;
            case '\r': out += 'r'; break;
            case '\t': out += 't'; break;
            default:
                out += "u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            }
        }
        run = ++i;
    }
    flush();
    out += '"';
}

}  // namespace meld::json::detail

#endif
