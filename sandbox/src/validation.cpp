// sandbox/src/validation.cpp — generic request validation (see validation.hpp).
#include "validation.hpp"

#include <meld/sandbox/fixtures.hpp>

#include <boost/json/parse.hpp>

#include <charconv>
#include <cstdlib>

namespace meld::emulator::detail {

namespace json = boost::json;

namespace {

std::string_view type_of(json::value const& schema) {
    if (auto const* o = schema.if_object())
        if (auto const* t = o->if_contains("t"); t && t->is_string()) return t->get_string();
    return "any";
}

bool numeric_text(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    std::string const copy(s);
    char* end = nullptr;
    std::strtod(copy.c_str(), &end);
    return end == copy.c_str() + copy.size() && s.find_first_not_of("+-0123456789.eE") == std::string_view::npos;
}

std::string enum_list(json::array const& values) {
    std::string out;
    for (auto const& e : values) {
        if (!e.is_string()) continue;
        if (!out.empty()) out += ", ";
        out += e.get_string();
    }
    return out;
}

bool in_enum(json::array const& values, std::string_view s) {
    for (auto const& e : values)
        if (e.is_string() && e.get_string() == s) return true;
    return false;
}

std::string join_field(std::string const& parent, std::string_view name) {
    return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

}  // namespace

void check_schema(json::value const& schema, json::value const& v, std::string const& field,
                  std::vector<std::string>& errors) {
    auto add = [&](std::string_view reason) { errors.push_back("[" + field + "] " + std::string(reason)); };
    auto const t = type_of(schema);
    auto const& so = schema.as_object();
    if (v.is_null()) return;  // optional members may be null; required ones are checked by the parent
    if (t == "string") {
        if (!v.is_string()) return add("must be a string");
        if (auto const* e = so.if_contains("enum"); e && e->is_array() && !e->get_array().empty() &&
                                                    !in_enum(e->get_array(), v.get_string()))
            add("must be one of " + enum_list(e->get_array()));
    } else if (t == "number") {
        // Meld accepts amounts as JSON numbers or numeric strings ("100", CATALOG §1.4).
        if (!v.is_number() && !(v.is_string() && numeric_text(v.get_string()))) add("must be a number");
    } else if (t == "integer") {
        if (!v.is_int64() && !v.is_uint64()) add("must be an integer");
    } else if (t == "boolean") {
        if (!v.is_bool()) add("must be a boolean");
    } else if (t == "array") {
        if (!v.is_array()) return add("must be an array");
        if (auto const* items = so.if_contains("items")) {
            std::size_t k = 0;
            for (auto const& e : v.get_array()) check_schema(*items, e, field + "[" + std::to_string(k++) + "]", errors);
        }
    } else if (t == "object") {
        if (!v.is_object()) return add("must be an object");
        auto const& o = v.get_object();
        if (auto const* req = so.if_contains("req"); req && req->is_array())
            for (auto const& r : req->get_array()) {
                if (!r.is_string()) continue;
                auto const* m = o.if_contains(r.get_string());
                if (!m || m->is_null()) errors.push_back("[" + join_field(field, r.get_string()) + "] must not be null");
            }
        if (auto const* props = so.if_contains("props"); props && props->is_object())
            for (auto const& [name, sub] : props->get_object())
                if (auto const* m = o.if_contains(name)) check_schema(sub, *m, join_field(field, name), errors);
    }
}

spec_rules::spec_rules() {
    for (auto name : fixture_names()) {
        if (!name.starts_with("rules_")) continue;
        auto const doc = json::parse(fixture(name));
        for (auto const& op : doc.at("operations").as_array()) {
            std::string key = std::string(op.at("method").as_string()) + " " + std::string(op.at("path").as_string());
            ops_.emplace(std::move(key), op);
        }
    }
}

bool spec_rules::has(std::string_view method, std::string_view pattern) const {
    return ops_.find(std::string(method) + " " + std::string(pattern)) != ops_.end();
}

std::optional<http_answer> spec_rules::validate(std::string_view method, std::string_view pattern,
                                                route_request const& req) const {
    auto it = ops_.find(std::string(method) + " " + std::string(pattern));
    if (it == ops_.end()) return std::nullopt;
    auto const& op = it->second.as_object();
    std::vector<std::string> errors;
    for (auto const& pv : op.at("params").as_array()) {
        auto const& p = pv.as_object();
        std::string const name(p.at("name").as_string());
        std::string_view const in = p.at("in").as_string();
        bool const required = p.at("required").as_bool();
        std::optional<std::string> value;
        if (in == "query") value = req.query_param(name);
        else if (in == "path") value = req.path_param(name);
        else if (auto h = req.header(name); !h.empty()) value = std::move(h);
        if (!value || value->empty()) {
            if (required) errors.push_back("[" + name + "] must not be null");
            continue;
        }
        auto const t = type_of(pv);
        if (t == "integer") {
            long long n = 0;
            auto const r = std::from_chars(value->data(), value->data() + value->size(), n);
            if (r.ec != std::errc{} || r.ptr != value->data() + value->size())
                errors.push_back("[" + name + "] must be an integer");
        } else if (t == "number") {
            if (!numeric_text(*value)) errors.push_back("[" + name + "] must be a number");
        } else if (t == "boolean") {
            if (*value != "true" && *value != "false") errors.push_back("[" + name + "] must be true or false");
        } else if (t == "string") {
            if (auto const* e = p.if_contains("enum"); e && e->is_array() && !e->get_array().empty()) {
                // enum-typed query parameters may carry comma-separated lists
                std::size_t pos = 0;
                for (;;) {
                    auto const comma = value->find(',', pos);
                    auto const item = value->substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
                    if (!in_enum(e->get_array(), item)) {
                        errors.push_back("[" + name + "] must be one of " + enum_list(e->get_array()));
                        break;
                    }
                    if (comma == std::string::npos) break;
                    pos = comma + 1;
                }
            }
        }
    }
    if (auto const* body_schema = op.if_contains("body")) {
        bool const body_required = op.contains("bodyRequired") && op.at("bodyRequired").as_bool();
        auto const& text = req.raw.body;
        if (text.empty()) {
            if (body_required) errors.push_back("[body] Required request body is missing");
        } else {
            boost::system::error_code ec;
            auto const v = json::parse(text, ec);
            if (ec) errors.push_back("[body] Malformed JSON request: " + ec.message());
            else if (type_of(*body_schema) == "object" && !v.is_object())
                errors.push_back("[body] must be a JSON object");
            else
                check_schema(*body_schema, v, "", errors);
        }
    }
    if (errors.empty()) return std::nullopt;
    return error_answer(400, "BAD_REQUEST", "Bad request", errors);
}

}  // namespace meld::emulator::detail
