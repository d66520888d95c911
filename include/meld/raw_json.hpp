// meld/raw_json.hpp — meld::raw_json, an untyped JSON subtree kept as exact compact JSON text.
//
// Used for members the specs leave untyped (e.g. `serviceProviderDetails`): the decoder stores the subtree
// as compact JSON whose numbers keep their original text; the encoder writes it back verbatim.
#ifndef MELD_RAW_JSON_HPP
#define MELD_RAW_JSON_HPP

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace meld {

/// An untyped JSON value held as text. A default-constructed raw_json is empty (no value; encodes as null).
class raw_json {
public:
    raw_json() = default;

    /// Takes `text` verbatim; it must be valid JSON (not checked: the decoder produces compact text).
    explicit raw_json(std::string text) noexcept : text_(std::move(text)) {}
    explicit raw_json(std::string_view text) : text_(text) {}
    explicit raw_json(char const* text) : text_(text) {}

    /// The JSON text ("" when empty).
    std::string_view text() const noexcept { return text_; }

    /// True when default-constructed (no value at all).
    bool empty() const noexcept { return text_.empty(); }

    /// True when empty or the JSON `null`.
    bool is_null() const noexcept { return text_.empty() || text_ == "null"; }

    /// Parses the text into a Boost.JSON DOM (null when empty). Convenience only: the DOM turns every
    /// non-integer number into a double, so read amounts by decoding into a model instead.
    /// Throws boost::system::system_error if the text is not valid JSON or nests deeper than 64 levels (the
    /// decoder's limit, so any subtree it kept parses).
    boost::json::value parse() const
    {
        if (text_.empty()) return nullptr;
        boost::json::parse_options opt;
        opt.max_depth = 64;  // meld::json::max_depth; Boost.JSON's default (32) refuses deeper decoded subtrees
        return boost::json::parse(text_, {}, opt);
    }

    friend bool operator==(raw_json const& a, raw_json const& b) noexcept { return a.text_ == b.text_; }

    friend std::ostream& operator<<(std::ostream& os, raw_json const& r) { return os << r.text_; }

private:
    std::string text_;
};

}  // namespace meld

#endif
