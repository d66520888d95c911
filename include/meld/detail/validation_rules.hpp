// meld/detail/validation_rules.hpp — the vocabulary of request validation tables (see meld/validation.hpp).
//
// The generator (tools/codegen/generate.py) emits, next to each request-side model that the specs constrain,
//
//   template <>
//   struct meld::validation_rules<meld::customers::create_request> {
//       static constexpr meld::field_rule rules[] = {
//           {"dateOfBirth", meld::rule_kind::pattern, "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
//            meld::rule_on::value},
//           {"type", meld::rule_kind::one_of, "", meld::rule_on::value},
//       };
//   };
//
// Only the model's own members are listed; nested models (members, vector elements, optionals, variant
// alternatives) carry their own tables and meld::validate descends into them. Types without a table and
// without constrained descendants are not visited at all.
#ifndef MELD_DETAIL_VALIDATION_RULES_HPP
#define MELD_DETAIL_VALIDATION_RULES_HPP

#include <cstdint>
#include <string_view>

namespace meld {

/// What a rule checks; `value` of field_rule is the bound (decimal text) or the pattern, empty otherwise.
enum class rule_kind : std::uint8_t {
    required,           ///< a member the spec requires but the model keeps optional: must be present
    min_length,         ///< string length in Unicode code points >= value
    max_length,         ///< string length in Unicode code points <= value
    pattern,            ///< ECMAScript regular expression, unanchored (JSON Schema `pattern`)
    minimum,            ///< number >= value (exact decimal comparison)
    maximum,            ///< number <= value
    exclusive_minimum,  ///< number > value
    exclusive_maximum,  ///< number < value
    min_items,          ///< array size >= value
    max_items,          ///< array size <= value
    unique_items,       ///< no two array elements are equal
    min_properties,     ///< map size >= value
    max_properties,     ///< map size <= value
    one_of,             ///< an enum value that is one of the spec's values (meld::open_enum::is_known())
};

/// Whether a rule applies to the member's value or to each element of the (array) member.
enum class rule_on : std::uint8_t { value, items };

/// One constraint on one member. Optional members are checked only when present (except `required`).
struct field_rule {
    std::string_view member;  ///< the C++ member name (as described; the message shows the JSON name)
    rule_kind kind;
    std::string_view value;
    rule_on on;
};

/// Specialized by the generated model headers with `static constexpr field_rule rules[]`; the primary
/// template has none (no rules: nothing to check for that type itself).
template <class T>
struct validation_rules {};

}  // namespace meld

#endif
