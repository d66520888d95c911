// meld/json/traits.hpp — customization points and type predicates of the JSON layer.
//
// `variant_traits` tells the decoder how to pick the alternative of a oneOf (`std::variant`): by a
// discriminator property when the spec has one, otherwise by trying the alternatives (see decode.hpp).
#ifndef MELD_JSON_TRAITS_HPP
#define MELD_JSON_TRAITS_HPP

#include <boost/describe/members.hpp>

#include <concepts>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace meld::json {

/// Specialize for a `std::variant<...>` whose alternatives are told apart by a string property:
///
///     template <> struct meld::json::variant_traits<my_variant> {
///         static constexpr std::string_view discriminator = "type";
///         static int index_for(std::string_view tag);  // alternative index, or -1 if unknown
///     };
///
/// With an unknown tag (or no specialization), the decoder falls back to trying each alternative.
template <class Variant>
struct variant_traits {};

/// True when variant_traits<V> declares a discriminator.
template <class V>
concept has_discriminator = requires(std::string_view tag) {
    { variant_traits<V>::discriminator } -> std::convertible_to<std::string_view>;
    { variant_traits<V>::index_for(tag) } -> std::convertible_to<int>;
};

/// Structs described with BOOST_DESCRIBE_STRUCT: encoded as JSON objects.
template <class T>
concept described_struct = std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

/// The JSON name of a described member. Member names are the JSON names, except where a JSON name is not a
/// C++ identifier: the generator then prefixes '_' before a leading digit (`3ds` -> `_3ds`) and appends '_'
/// to keywords and macro-prone names (`public` -> `public_`). This undoes both escapes.
constexpr std::string_view wire_name(std::string_view member) noexcept
{
    if (member.size() > 1 && member.front() == '_' && member[1] >= '0' && member[1] <= '9')
        member.remove_prefix(1);
    if (member.size() > 1 && member.back() == '_')
        member.remove_suffix(1);
    return member;
}

namespace detail {

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};

template <class T> struct is_vector : std::false_type {};
template <class T, class A> struct is_vector<std::vector<T, A>> : std::true_type {};

template <class T> struct is_string_map : std::false_type {};
template <class T, class C, class A> struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

template <class T> struct is_variant : std::false_type {};
template <class... T> struct is_variant<std::variant<T...>> : std::true_type {};

/// Boost.Describe modifiers for the members the JSON layer sees.
inline constexpr unsigned member_modifiers = boost::describe::mod_public | boost::describe::mod_inherited;

}  // namespace detail

}  // namespace meld::json

#endif
