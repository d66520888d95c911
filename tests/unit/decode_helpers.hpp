// tests/unit/decode_helpers.hpp — decode a documented JSON fixture into a model, strictly: a fixture that only
// fits thanks to tolerance (a wrong-typed value left empty) is a model bug the test must report.
#ifndef MELD_TESTS_DECODE_HELPERS_HPP
#define MELD_TESTS_DECODE_HELPERS_HPP

#include <meld/json/decode.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

namespace meld_test {

template <class T>
T decode_ok(std::string_view text)
{
    T out{};
    std::string msg;
    auto const ec = meld::json::decode(text, out, meld::json::decode_options{.strict = true}, nullptr, &msg);
    INFO(msg);
    REQUIRE_FALSE(ec);
    return out;
}

}  // namespace meld_test

#endif
