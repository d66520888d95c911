// sandbox/src/text.cpp — JSON text composition, ids, time, fixtures lookup.
#include "detail.hpp"

#include <meld/sandbox/fixtures.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <stdexcept>

namespace meld::emulator::detail {

struct embedded_fixture {
    std::string_view name;
    std::string_view text;
};
extern embedded_fixture const embedded_fixtures[];
extern std::size_t const embedded_fixture_count;

// ---- JSON text ----------------------------------------------------------------------------------------------

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (u < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
                out += buf;
            } else {
                out += c;  // UTF-8 bytes pass through unchanged
            }
        }
    }
    return out;
}

std::string json_string(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += json_escape(s);
    out += '"';
    return out;
}

std::string json_opt(std::optional<std::string> const& s) { return s ? json_string(*s) : std::string("null"); }

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        auto const comma = s.find(',', pos);
        auto item = s.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    return out;
}

std::string render(std::string_view templ, std::vector<placeholder> const& values) {
    auto lookup = [&](std::string_view name) -> std::string const& {
        for (auto const& v : values)
            if (v.name == name) return v.json;
        throw std::logic_error("sandbox fixture placeholder without a value: " + std::string(name));
    };
    std::string out;
    out.reserve(templ.size() + 256);
    std::size_t pos = 0;
    while (pos < templ.size()) {
        auto const open = templ.find("{{", pos);
        if (open == std::string_view::npos) {
            out.append(templ.substr(pos));
            break;
        }
        auto const close = templ.find("}}", open + 2);
        if (close == std::string_view::npos) throw std::logic_error("sandbox fixture: unterminated placeholder");
        auto const name = templ.substr(open + 2, close - open - 2);
        auto const& value = lookup(name);
        bool const quoted = open > 0 && templ[open - 1] == '"' && close + 2 < templ.size() && templ[close + 2] == '"';
        if (quoted) {
            out.append(templ.substr(pos, open - 1 - pos));  // drop the opening quote
            out += value;
            pos = close + 3;  // and the closing one
        } else {
            out.append(templ.substr(pos, open - pos));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                out.append(value, 1, value.size() - 2);
            else
                out += value;
            pos = close + 2;
        }
    }
    return out;
}

std::vector<std::string_view> split_json_array(std::string_view text) {
    auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t i = 0;
    while (i < text.size() && is_ws(text[i])) ++i;
    if (i == text.size() || text[i] != '[') throw std::invalid_argument("split_json_array: not an array");
    ++i;
    std::vector<std::string_view> items;
    int depth = 0;
    bool in_string = false;
    std::size_t start = i;
    auto push = [&](std::size_t end) {
        auto b = start, e = end;
        while (b < e && is_ws(text[b])) ++b;
        while (e > b && is_ws(text[e - 1])) --e;
        if (e > b) items.push_back(text.substr(b, e - b));
    };
    for (; i < text.size(); ++i) {
        char const c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        switch (c) {
        case '"': in_string = true; break;
        case '[':
        case '{': ++depth; break;
        case '}': --depth; break;
        case ']':
            if (depth == 0) {
                push(i);
                return items;
            }
            --depth;
            break;
        case ',':
            if (depth == 0) {
                push(i);
                start = i + 1;
            }
            break;
        default: break;
        }
    }
    throw std::invalid_argument("split_json_array: unterminated array");
}

// ---- ids ------------------------------------------------------------------------------------------------------

namespace {
std::mutex rng_mutex;
std::mt19937_64& rng() {
    static std::mt19937_64 engine{[] {
        std::random_device rd;
        return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }()};
    return engine;
}
std::uint64_t random_u64() {
    std::lock_guard lock{rng_mutex};
    return rng()();
}
std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
}  // namespace

std::string random_id(std::size_t length) {
    std::string out;
    out.reserve(length);
    if (length == 22) out += 'W';  // Meld's ids mostly start with W (WePZCYJW7cdXR7SxUMp8mE)
    while (out.size() < length) {
        auto r = random_u64();
        for (int k = 0; k < 10 && out.size() < length; ++k) {
            out += base58_alphabet[r % base58_alphabet.size()];
            r /= base58_alphabet.size();
        }
    }
    return out;
}

std::string derived_id(std::uint64_t seed, std::size_t length) {
    std::string out;
    out.reserve(length);
    std::uint64_t state = seed;
    while (out.size() < length) {
        auto r = splitmix64(state);
        for (int k = 0; k < 10 && out.size() < length; ++k) {
            out += base58_alphabet[r % base58_alphabet.size()];
            r /= base58_alphabet.size();
        }
    }
    return out;
}

std::string request_id() {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(random_u64()),
                  static_cast<unsigned long long>(random_u64()));
    return buf;
}

std::string random_uuid() {
    auto const a = random_u64(), b = random_u64();
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                  static_cast<unsigned long long>(a >> 32), static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xfff),
                  static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
}

// ---- time -----------------------------------------------------------------------------------------------------

micros now_micros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso_time(micros t) {
    using namespace std::chrono;
    auto const us = microseconds{t};
    auto const days = floor<std::chrono::days>(us);
    year_month_day const ymd{sys_days{days}};
    auto const rest = us - days;
    auto const h = duration_cast<hours>(rest);
    auto const m = duration_cast<minutes>(rest - h);
    auto const s = duration_cast<seconds>(rest - h - m);
    auto const f = (rest - h - m - s).count();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(h.count()),
                  static_cast<int>(m.count()), static_cast<int>(s.count()), static_cast<long long>(f));
    return buf;
}

bool parse_iso_time(std::string_view text, micros& out) {
    std::size_t i = 0;
    auto digits = [&](std::size_t n, int& v) {
        if (i + n > text.size()) return false;
        v = 0;
        for (std::size_t k = 0; k < n; ++k) {
            char const c = text[i + k];
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        i += n;
        return true;
    };
    auto expect = [&](char c) {
        if (i < text.size() && text[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!digits(4, y) || !expect('-') || !digits(2, mo) || !expect('-') || !digits(2, d)) return false;
    using namespace std::chrono;
    year_month_day const ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return false;
    micros frac = 0;
    micros offset = 0;
    if (i < text.size()) {
        if (!expect('T') && !expect(' ')) return false;
        if (!digits(2, h) || !expect(':') || !digits(2, mi)) return false;
        if (expect(':')) {
            if (!digits(2, s)) return false;
            if (expect('.')) {
                int n = 0;
                micros scale = 100000;
                while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
                    frac += (text[i] - '0') * scale;
                    scale /= 10;
                    ++i;
                    ++n;
                }
                if (n == 0) return false;
            }
        }
        if (h > 23 || mi > 59 || s > 60) return false;
        if (expect('Z')) {
        } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            int const sign = text[i] == '+' ? 1 : -1;
            ++i;
            int oh = 0, om = 0;
            if (!digits(2, oh) || !expect(':') || !digits(2, om)) return false;
            offset = sign * (static_cast<micros>(oh) * 3600 + om * 60) * 1000000;
        }
        if (i != text.size()) return false;
    }
    auto const day_us = duration_cast<microseconds>(sys_days{ymd}.time_since_epoch()).count();
    out = day_us + ((static_cast<micros>(h) * 60 + mi) * 60 + s) * 1000000 + frac - offset;
    return true;
}

// ---- errors ---------------------------------------------------------------------------------------------------

http_answer error_answer(unsigned status, std::string_view code, std::string_view message,
                         std::vector<std::string> const& errors) {
    std::string list = "[";
    for (std::size_t k = 0; k < errors.size(); ++k) {
        if (k) list += ", ";
        list += json_string(errors[k]);
    }
    list += ']';
    http_answer a;
    a.status = status;
    a.body = render(fixture("error"), {{"code", json_string(code)},
                                       {"message", json_string(message)},
                                       {"errors", std::move(list)},
                                       {"requestId", json_string(request_id())},
                                       {"timestamp", json_string(iso_time(now_micros()))}});
    return a;
}

}  // namespace meld::emulator::detail

namespace meld::emulator {

std::string_view fixture(std::string_view name) {
    for (std::size_t k = 0; k < detail::embedded_fixture_count; ++k)
        if (detail::embedded_fixtures[k].name == name) return detail::embedded_fixtures[k].text;
    throw std::out_of_range("meld-sandbox: no fixture named " + std::string(name));
}

std::vector<std::string_view> fixture_names() {
    std::vector<std::string_view> names;
    for (std::size_t k = 0; k < detail::embedded_fixture_count; ++k) names.push_back(detail::embedded_fixtures[k].name);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace meld::emulator
