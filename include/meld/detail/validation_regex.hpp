// meld/detail/validation_regex.hpp — the matcher behind `pattern` rules: ECMAScript syntax, linear time.
//
// Why not std::regex: libstdc++ matches ECMAScript patterns by recursive backtracking, one stack frame per
// input character for `.+`, and `^https?://.+$` crashes (stack overflow) on a ~50 kB string. A request
// validator must not crash on a long field, so patterns are compiled here to a Thompson NFA and simulated
// in O(pattern x input) time with no recursion over the input.
//
// Supported: the regular subset of ECMAScript that JSON Schema patterns use — literals, `.`, classes
// `[a-z...]` / `[^...]`, escapes \d \D \w \W \s \S \t \n \r \f \v \0 \xHH \uHHHH and escaped syntax
// characters, groups `( )` and `(?: )`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` (lazy forms
// accepted: they do not change whether a match exists), anchors `^` `$` (not multiline). Matching is
// unanchored search (JSON Schema semantics) over Unicode code points of UTF-8 input. Not supported
// (std::invalid_argument at construction; the generator refuses such spec patterns): back-references,
// lookaround, \b \B.
#ifndef MELD_DETAIL_VALIDATION_REGEX_HPP
#define MELD_DETAIL_VALIDATION_REGEX_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meld::detail::validation {

class pattern_matcher {
public:
    explicit pattern_matcher(std::string_view pattern) : src_(pattern)
    {
        node const root = parse_alternation();
        if (pos_ != src_.size())
            fail("unbalanced ')'");
        emit(root);
        prog_.push_back({op::match, 0, 0});
    }

    /// True when some substring of `text` matches (JSON Schema `pattern` semantics).
    bool search(std::string_view text) const
    {
        std::size_t const n = prog_.size();
        std::vector<std::uint32_t> cur, next;
        std::vector<std::size_t> mark(n, static_cast<std::size_t>(-1));
        cur.reserve(n);
        next.reserve(n);
        std::size_t i = 0;
        std::size_t step = 0;
        bool matched = false;
        auto add = [&](auto& self, std::vector<std::uint32_t>& list, std::uint32_t pc, std::size_t at) -> void {
            // iterative over jmp chains would be possible; the recursion depth is bounded by the program size
            if (mark[pc] == step)
                return;
            mark[pc] = step;
            inst const& in = prog_[pc];
            switch (in.code) {
            case op::jmp: self(self, list, in.x, at); break;
            case op::split:
                self(self, list, in.x, at);
                self(self, list, in.y, at);
                break;
            case op::bol:
                if (at == 0)
                    self(self, list, pc + 1, at);
                break;
            case op::eol:
                if (at == text.size())
                    self(self, list, pc + 1, at);
                break;
            case op::match: matched = true; break;
            case op::set: list.push_back(pc); break;
            }
        };
        for (;;) {
            add(add, cur, 0, i);  // unanchored: a new attempt starts at every position
            if (matched)
                return true;
            if (i >= text.size())
                return false;
            std::size_t len = 0;
            char32_t const c = decode(text, i, len);
            ++step;
            next.clear();
            for (std::uint32_t pc : cur)
                if (in_set(sets_[prog_[pc].x], c))
                    add(add, next, pc + 1, i + len);
            if (matched)
                return true;
            std::swap(cur, next);
            i += len;  // the next attempt at i is deduplicated against `cur` (same step)
        }
    }

private:
    enum class op : std::uint8_t { set, split, jmp, bol, eol, match };
    struct inst {
        op code;
        std::uint32_t x;  ///< set index, or jump target
        std::uint32_t y;  ///< second split target
    };
    struct char_set {
        std::vector<std::pair<char32_t, char32_t>> ranges;
        bool negated = false;
    };
    struct node {
        enum class kind : std::uint8_t { set, cat, alt, repeat, bol, eol } k = kind::cat;
        std::uint32_t set = 0;
        int min = 0;
        int max = 0;  ///< -1: unbounded
        std::vector<node> kids;
    };

    [[noreturn]] void fail(char const* what) const
    {
        throw std::invalid_argument("pattern " + std::string(src_) + ": " + what);
    }

    static bool in_set(char_set const& s, char32_t c) noexcept
    {
        bool in = false;
        for (auto const& [lo, hi] : s.ranges)
            if (c >= lo && c <= hi) {
                in = true;
                break;
            }
        return in != s.negated;
    }

    /// Next code point of UTF-8 `s` at `i` (an invalid byte is taken as itself).
    static char32_t decode(std::string_view s, std::size_t i, std::size_t& len) noexcept
    {
        auto const b = static_cast<unsigned char>(s[i]);
        int const extra = b >= 0xF0 && b < 0xF8 ? 3 : b >= 0xE0 && b < 0xF0 ? 2 : b >= 0xC0 && b < 0xE0 ? 1 : 0;
        char32_t c = extra == 0 ? b : (b & (0x3Fu >> extra));
        for (int k = 1; k <= extra; ++k) {
            if (i + static_cast<std::size_t>(k) >= s.size() ||
                (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0xC0u) != 0x80u) {
                len = 1;
                return b;
            }
            c = (c << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3Fu);
        }
        len = static_cast<std::size_t>(extra) + 1;
        return c;
    }

    // ---- parser ---------------------------------------------------------------------------------------------

    bool at_end() const noexcept { return pos_ >= src_.size(); }
    char peek() const noexcept { return src_[pos_]; }

    std::uint32_t add_set(char_set s)
    {
        sets_.push_back(std::move(s));
        return static_cast<std::uint32_t>(sets_.size() - 1);
    }

    node set_node(char_set s)
    {
        node n;
        n.k = node::kind::set;
        n.set = add_set(std::move(s));
        return n;
    }

    node parse_alternation()
    {
        node alt;
        alt.k = node::kind::alt;
        alt.kids.push_back(parse_sequence());
        while (!at_end() && peek() == '|') {
            ++pos_;
            alt.kids.push_back(parse_sequence());
        }
        if (alt.kids.size() == 1)
            return std::move(alt.kids.front());
        return alt;
    }

    node parse_sequence()
    {
        node seq;
        seq.k = node::kind::cat;
        while (!at_end() && peek() != '|' && peek() != ')')
            seq.kids.push_back(parse_quantified());
        return seq;
    }

    bool parse_int(int& out)
    {
        std::size_t const start = pos_;
        long v = 0;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            v = v * 10 + (peek() - '0');
            if (v > 1000)
                fail("repetition count above 1000");
            ++pos_;
        }
        out = static_cast<int>(v);
        return pos_ > start;
    }

    /// `{n}`, `{n,}`, `{n,m}` at pos_ (which is at '{'); false (pos_ unchanged) when it is a literal '{'.
    bool parse_braces(int& min, int& max)
    {
        std::size_t const save = pos_;
        ++pos_;
        if (!parse_int(min)) {
            pos_ = save;
            return false;
        }
        max = min;
        if (!at_end() && peek() == ',') {
            ++pos_;
            if (!parse_int(max))
                max = -1;
        }
        if (at_end() || peek() != '}') {
            pos_ = save;
            return false;
        }
        ++pos_;
        if (max != -1 && max < min)
            fail("numbers out of order in {} quantifier");
        return true;
    }

    node parse_quantified()
    {
        node atom = parse_atom();
        for (;;) {
            if (at_end())
                return atom;
            int min = 0;
            int max = 0;
            char const c = peek();
            if (c == '*' || c == '+' || c == '?') {
                min = c == '+' ? 1 : 0;
                max = c == '?' ? 1 : -1;
                ++pos_;
            } else if (c != '{' || !parse_braces(min, max)) {
                return atom;
            }
            if (atom.k == node::kind::bol || atom.k == node::kind::eol)
                fail("quantified assertion");
            if (!at_end() && peek() == '?')
                ++pos_;  // lazy: same set of matches
            node rep;
            rep.k = node::kind::repeat;
            rep.min = min;
            rep.max = max;
            rep.kids.push_back(std::move(atom));
            atom = std::move(rep);
        }
    }

    static char_set single(char32_t lo, char32_t hi = 0) { return {{{lo, hi == 0 ? lo : hi}}, false}; }

    static void add_class_escape(char_set& s, char e)
    {
        switch (e) {
        case 'd': s.ranges.push_back({U'0', U'9'}); break;
        case 'w':
            s.ranges.insert(s.ranges.end(), {{U'0', U'9'}, {U'A', U'Z'}, {U'_', U'_'}, {U'a', U'z'}});
            break;
        case 's':
            s.ranges.insert(s.ranges.end(), {{U'\t', U'\r'}, {U' ', U' '}, {0xA0, 0xA0}, {0x1680, 0x1680},
                                             {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F},
                                             {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}});
            break;
        default: break;
        }
    }

    static char_set complement(char_set const& s)
    {
        char_set out;
        char32_t next = 0;
        std::vector<std::pair<char32_t, char32_t>> r = s.ranges;
        for (std::size_t i = 1; i < r.size(); ++i)  // insertion sort: tiny lists
            for (std::size_t j = i; j > 0 && r[j].first < r[j - 1].first; --j)
                std::swap(r[j], r[j - 1]);
        for (auto const& [lo, hi] : r) {
            if (lo > next)
                out.ranges.push_back({next, lo - 1});
            if (hi + 1 > next)
                next = hi + 1;
        }
        if (next <= 0x10FFFF)
            out.ranges.push_back({next, 0x10FFFF});
        return out;
    }

    unsigned hex_digits(int count)
    {
        unsigned v = 0;
        for (int k = 0; k < count; ++k) {
            if (at_end())
                fail("truncated hex escape");
            char const h = peek();
            unsigned d = 0;
            if (h >= '0' && h <= '9')
                d = static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                d = static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                d = static_cast<unsigned>(h - 'A' + 10);
            else
                fail("bad hex escape");
            v = v * 16 + d;
            ++pos_;
        }
        return v;
    }

    /// After a backslash: a single character escape; `cls` receives \d \w \s and their negations.
    /// Returns true and sets `c` for a character, false when `cls` was filled.
    bool parse_escape(char32_t& c, char_set& cls, bool in_class)
    {
        if (at_end())
            fail("trailing backslash");
        char const e = peek();
        ++pos_;
        switch (e) {
        case 'd': case 'w': case 's': add_class_escape(cls, e); return false;
        case 'D': case 'W': case 'S': {
            char_set pos;
            add_class_escape(pos, static_cast<char>(e - 'A' + 'a'));
            char_set neg = complement(pos);
            cls.ranges.insert(cls.ranges.end(), neg.ranges.begin(), neg.ranges.end());
            return false;
        }
        case 't': c = U'\t'; return true;
        case 'n': c = U'\n'; return true;
        case 'r': c = U'\r'; return true;
        case 'f': c = U'\f'; return true;
        case 'v': c = U'\v'; return true;
        case '0': c = 0; return true;
        case 'x': c = hex_digits(2); return true;
        case 'u': c = hex_digits(4); return true;
        case 'b':
            if (in_class) {
                c = U'\b';
                return true;
            }
            fail("word boundaries are not supported");
        case 'B': fail("word boundaries are not supported");
        default:
            if (e >= '1' && e <= '9')
                fail("back-references are not supported");
            if ((e >= 'A' && e <= 'Z') || (e >= 'a' && e <= 'z'))
                fail("unsupported escape");
            c = static_cast<unsigned char>(e);  // identity escape: \. \/ \- \\ \( ...
            return true;
        }
    }

    /// One (possibly multi-byte) literal character of the pattern text.
    char32_t literal()
    {
        std::size_t len = 0;
        char32_t const c = decode(src_, pos_, len);
        pos_ += len;
        return c;
    }

    node parse_class()
    {
        ++pos_;  // '['
        char_set s;
        if (!at_end() && peek() == '^') {
            s.negated = true;
            ++pos_;
        }
        // ECMAScript: ']' always closes (`[]` matches nothing, `[^]` any character)
        while (!at_end() && peek() != ']') {
            char32_t lo = 0;
            if (peek() == '\\') {
                ++pos_;
                char_set cls;
                if (!parse_escape(lo, cls, true)) {
                    s.ranges.insert(s.ranges.end(), cls.ranges.begin(), cls.ranges.end());
                    continue;
                }
            } else {
                lo = literal();
            }
            if (pos_ + 1 < src_.size() && peek() == '-' && src_[pos_ + 1] != ']') {
                ++pos_;
                char32_t hi = 0;
                if (peek() == '\\') {
                    ++pos_;
                    char_set cls;
                    if (!parse_escape(hi, cls, true))
                        fail("class escape as a range bound");
                } else {
                    hi = literal();
                }
                if (hi < lo)
                    fail("range out of order in character class");
                s.ranges.push_back({lo, hi});
            } else {
                s.ranges.push_back({lo, lo});
            }
        }
        if (at_end())
            fail("unterminated character class");
        ++pos_;  // ']'
        return set_node(std::move(s));
    }

    node parse_atom()
    {
        char const c = peek();
        switch (c) {
        case '^': {
            ++pos_;
            node n;
            n.k = node::kind::bol;
            return n;
        }
        case '$': {
            ++pos_;
            node n;
            n.k = node::kind::eol;
            return n;
        }
        case '.': {
            ++pos_;
            char_set s{{{U'\n', U'\n'}, {U'\r', U'\r'}, {0x2028, 0x2029}}, true};
            return set_node(std::move(s));
        }
        case '[': return parse_class();
        case '(': {
            ++pos_;
            if (!at_end() && peek() == '?') {
                if (pos_ + 1 < src_.size() && src_[pos_ + 1] == ':')
                    pos_ += 2;
                else
                    fail("lookaround and named groups are not supported");
            }
            node inner = parse_alternation();
            if (at_end() || peek() != ')')
                fail("missing ')'");
            ++pos_;
            return inner;
        }
        case ')': fail("unbalanced ')'");
        case '*': case '+': case '?': fail("nothing to repeat");
        case '\\': {
            ++pos_;
            char32_t ch = 0;
            char_set cls;
            if (parse_escape(ch, cls, false))
                return set_node(single(ch));
            return set_node(std::move(cls));
        }
        default: return set_node(single(literal()));
        }
    }

    // ---- code generation (Thompson construction) ------------------------------------------------------------

    std::uint32_t here() const noexcept { return static_cast<std::uint32_t>(prog_.size()); }

    void emit(node const& n)
    {
        switch (n.k) {
        case node::kind::set: prog_.push_back({op::set, n.set, 0}); break;
        case node::kind::bol: prog_.push_back({op::bol, 0, 0}); break;
        case node::kind::eol: prog_.push_back({op::eol, 0, 0}); break;
        case node::kind::cat:
            for (node const& k : n.kids)
                emit(k);
            break;
        case node::kind::alt: {
            std::vector<std::uint32_t> exits;
            for (std::size_t i = 0; i < n.kids.size(); ++i) {
                if (i + 1 < n.kids.size()) {
                    std::uint32_t const split = here();
                    prog_.push_back({op::split, split + 1, 0});
                    emit(n.kids[i]);
                    exits.push_back(here());
                    prog_.push_back({op::jmp, 0, 0});
                    prog_[split].y = here();
                } else {
                    emit(n.kids[i]);
                }
            }
            for (std::uint32_t e : exits)
                prog_[e].x = here();
            break;
        }
        case node::kind::repeat: {
            node const& body = n.kids.front();
            for (int i = 0; i < n.min; ++i)
                emit(body);
            if (n.max == -1) {
                std::uint32_t const loop = here();
                prog_.push_back({op::split, loop + 1, 0});
                emit(body);
                prog_.push_back({op::jmp, loop, 0});
                prog_[loop].y = here();
            } else {
                std::vector<std::uint32_t> splits;
                for (int i = n.min; i < n.max; ++i) {
                    splits.push_back(here());
                    prog_.push_back({op::split, here() + 1, 0});
                    emit(body);
                }
                for (std::uint32_t s : splits)
                    prog_[s].y = here();
            }
            break;
        }
        }
        if (prog_.size() > 100000)
            fail("pattern too large");
    }

    std::string src_;
    std::size_t pos_ = 0;
    std::vector<char_set> sets_;
    std::vector<inst> prog_;
};

}  // namespace meld::detail::validation

#endif
