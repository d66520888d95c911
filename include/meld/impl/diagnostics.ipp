// meld/impl/diagnostics.ipp — parsing Meld's error body into diagnostics, and the one-line summary.
//
// Error bodies carry no amounts, so a Boost.JSON DOM is fine here; every field is optional and any
// shape (or a body that is not JSON at all) is accepted: the raw body is always kept.
#ifndef MELD_IMPL_DIAGNOSTICS_IPP
#define MELD_IMPL_DIAGNOSTICS_IPP

#include <meld/detail/pipeline/redact.hpp>
#include <meld/diagnostics.hpp>

#include <cctype>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace meld {
namespace detail {

inline std::string string_field(boost::json::object const& obj, std::string_view key)
{
    auto const* v = obj.if_contains(key);
    if (v == nullptr)
        return {};
    if (auto const* s = v->if_string())
        return std::string(s->data(), s->size());
    return {};
}

}  // namespace detail

MELD_DECL void detail_access::set_http_error(diagnostics& d, unsigned status, std::string_view body)
{
    d.http_status_ = status;
    d.raw_body_.assign(body.data(), body.size());
    boost::system::error_code ec;
    boost::json::parse_options opt;
    opt.max_depth = 64;  // as deep as meld::json::decode goes (Boost.JSON's default, 32, lost deep bodies' fields)
    boost::json::value doc = boost::json::parse(body, ec, {}, opt);
    if (ec)
        return;
    auto const* obj = doc.if_object();
    if (obj == nullptr)
        return;
    d.code_ = detail::string_field(*obj, "code");
    if (d.code_.empty())
        d.code_ = detail::string_field(*obj, "error");  // e.g. the quote endpoint's {"quotes":null,"error":"..."}
    d.message_ = detail::string_field(*obj, "message");
    d.request_id_ = detail::string_field(*obj, "requestId");
    d.timestamp_ = detail::string_field(*obj, "timestamp");
    if (auto const* errs = obj->if_contains("errors"); errs != nullptr && errs->is_array()) {
        for (auto const& e : errs->get_array())
            if (auto const* s = e.if_string())
                d.errors_.emplace_back(s->data(), s->size());
    }
    if (auto const* spd = obj->if_contains("serviceProviderDetails"); spd != nullptr && spd->is_object())
        d.service_provider_message_ = detail::string_field(spd->get_object(), "message");
}

MELD_DECL void detail_access::redact(diagnostics& d, detail::pipeline::redactor const& r)
{
    if (r.empty())
        return;
    for (std::string* s : {&d.code_, &d.message_, &d.request_id_, &d.timestamp_, &d.service_provider_message_,
                           &d.raw_body_, &d.client_message_})
        r.apply(*s);
    for (auto& e : d.errors_)
        r.apply(e);
    for (auto& w : d.decode_report_.warnings) {  // raw is cut at 64 bytes: it may end inside a secret
        r.apply(w.raw);
        std::string_view raw = w.raw;
        if (raw.size() > 3 && raw.substr(raw.size() - 3) == "...")
            raw.remove_suffix(3);
        if (r.contains_secret_or_cut(raw))
            w.raw.assign(detail::pipeline::redacted_marker);
    }
    auto const fix = [&r](auto& small) {
        if (!small.empty() && r.contains_secret_or_cut(small.view()))
            small.assign(detail::pipeline::redacted_marker);
    };
    fix(d.retry_after_);
    fix(d.date_);
    fix(d.request_id_header_value_);
}

MELD_DECL std::string_view diagnostics::header(std::string_view name) const noexcept
{
    auto const ieq = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
                return false;
        return true;
    };
    if (ieq(name, "Retry-After"))
        return retry_after_;
    if (ieq(name, "Date"))
        return date_;
    if (!request_id_header_name_.empty() && ieq(name, request_id_header_name_))
        return request_id_header_value_;
    return {};
}

MELD_DECL std::string diagnostics::summary() const
{
    std::string out;
    if (http_status_ != 0) {
        out = "HTTP " + std::to_string(http_status_);
        if (!code_.empty())
            out += " " + code_;
        if (!message_.empty())
            out += ": " + message_;
        for (std::size_t i = 0; i < errors_.size(); ++i)
            out += (i == 0 ? " (" : "; ") + errors_[i] + (i + 1 == errors_.size() ? ")" : "");
        if (!service_provider_message_.empty())
            out += " [provider: " + service_provider_message_ + "]";
        if (!request_id().empty())
            out += " requestId=" + std::string(request_id());
    }
    if (!client_message_.empty()) {
        if (!out.empty())
            out += "; ";
        out += client_message_;
    }
    if (attempts_.size() > 1)
        out += " [" + std::to_string(attempts_.size()) + " attempts]";
    if (decode_report_.total > 0)
        out += " [" + std::to_string(decode_report_.total) + " decode warning" + (decode_report_.total == 1 ? "]" : "s]");
    return out;
}

}  // namespace meld

#endif
