// sandbox/src/validation.hpp — generic request validation from the spec's rules (sandbox/rules/*.json).
//
// The rules are derived from Meld's OpenAPI specs by sandbox/tools/extract_specs.py: per operation the
// path/query/header parameters (required, type, enum) and a simplified JSON body schema. Failures are the
// standard 400 body with one "[field] reason" line per failing field.
#ifndef MELD_SANDBOX_SRC_VALIDATION_HPP
#define MELD_SANDBOX_SRC_VALIDATION_HPP

#include "api.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace meld::emulator::detail {

class spec_rules {
public:
    /// Loads every embedded `rules_*` text.
    spec_rules();

    bool has(std::string_view method, std::string_view pattern) const;
    /// std::nullopt when the request is valid for operation `method pattern` (or the operation has no rule).
    std::optional<http_answer> validate(std::string_view method, std::string_view pattern,
                                        route_request const& req) const;

private:
    std::map<std::string, boost::json::value, std::less<>> ops_;  // "POST /accounts/customers" -> rule
};

/// "[field] reason" lines for `v` against a simplified schema ({"t", "req", "props", "items", "enum"}).
void check_schema(boost::json::value const& schema, boost::json::value const& v, std::string const& field,
                  std::vector<std::string>& errors);

}  // namespace meld::emulator::detail

#endif
