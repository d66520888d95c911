// tests/unit/enum_names.hpp — Catch prints an enum's values by name rather than by number once the test says what
// the names are:
//
//     template <> struct meld_test::enum_names<grant> {
//         static constexpr std::pair<grant, char const*> names[] = {{grant::reuse, "reuse"}, ...};
//     };
#ifndef MELD_TESTS_ENUM_NAMES_HPP
#define MELD_TESTS_ENUM_NAMES_HPP

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <utility>

namespace meld_test {

/// No names unless specialised with a `names` array of {value, "name"} pairs.
template <class E>
struct enum_names {};

}  // namespace meld_test

namespace Catch {

template <class E>
    requires std::is_enum_v<E> && requires { meld_test::enum_names<E>::names; }
struct StringMaker<E> {
    static std::string convert(E e)
    {
        for (auto const& [value, name] : meld_test::enum_names<E>::names)
            if (value == e)
                return name;
        return "?";
    }
};

}  // namespace Catch

#endif
