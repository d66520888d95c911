// meld/detail/transport/response_reader.hpp — an HTTP/1.1 response parser that fills a raw_response directly.
//
// A Beast basic_parser: no header container, no field node per header. It keeps the status, the content type
// and the headers a policy or a user needs (Retry-After, Date, the first *request-id header), and appends the
// body to raw_response::body (reserved from Content-Length, bounded by the body limit). Sans-io: tests feed it
// bytes with put(); the transport runs it with http::async_read. A 1xx answer is complete after its header
// (interim() is then true): the caller discards it and reads the final answer with a fresh reader.
#ifndef MELD_DETAIL_TRANSPORT_RESPONSE_READER_HPP
#define MELD_DETAIL_TRANSPORT_RESPONSE_READER_HPP

#include <meld/detail/http_request.hpp>
#include <meld/detail/response_classifier.hpp>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cstdint>

namespace meld::detail::transport {

namespace http = boost::beast::http;

/// True for a header name that carries a request or trace id ("X-Request-Id", "x-amzn-RequestId", ...).
inline bool is_request_id_header(boost::beast::string_view name) noexcept
{
    auto const lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    auto const contains = [&](std::string_view needle) {
        if (name.size() < needle.size())
            return false;
        for (std::size_t i = 0; i + needle.size() <= name.size(); ++i) {
            std::size_t j = 0;
            while (j < needle.size() && lower(name[i + j]) == needle[j])
                ++j;
            if (j == needle.size())
                return true;
        }
        return false;
    };
    return contains("request-id") || contains("requestid");
}

class response_reader final : public http::basic_parser<false> {
public:
    static constexpr std::uint32_t header_limit_bytes = 64 * 1024;

    response_reader(raw_response& out, std::size_t body_limit) : out_(&out)
    {
        this->body_limit(body_limit);
        this->header_limit(header_limit_bytes);
    }

    /// A 100 Continue / 103 Early Hints / ... answer, complete after its header.
    bool interim() const noexcept { return out_->status >= 100 && out_->status < 200; }

private:
    void on_request_impl(http::verb, boost::beast::string_view, boost::beast::string_view, int,
                         boost::system::error_code&) override
    {
    }

    void on_response_impl(int code, boost::beast::string_view, int, boost::system::error_code&) override
    {
        out_->status = static_cast<unsigned>(code);
    }

    void on_field_impl(http::field name, boost::beast::string_view name_string, boost::beast::string_view value,
                       boost::system::error_code&) override
    {
        std::string_view const v(value.data(), value.size());
        switch (name) {
        case http::field::content_type: out_->content_type.assign(v); break;
        case http::field::retry_after: out_->retry_after.assign(v); break;
        case http::field::date: out_->date.assign(v); break;
        default:
            if (out_->request_id_header.empty() && is_request_id_header(name_string)) {
                out_->request_id_header.assign(std::string_view(name_string.data(), name_string.size()));
                out_->request_id.assign(v);
            }
            break;
        }
    }

    void on_header_impl(boost::system::error_code&) override {}

    void on_body_init_impl(boost::optional<std::uint64_t> const& length, boost::system::error_code&) override
    {
        if (out_->sink != nullptr && out_->status >= 200 && out_->status < 300 &&
            is_json_content_type(out_->content_type)) {
            out_->streamed = true;
            stream_left_ = length ? *length : 0;
            out_->sink->begin();
            return;
        }
        if (length)  // the parser has already refused a length above the body limit
            out_->body.reserve(static_cast<std::size_t>(*length));
    }

    std::size_t on_body_impl(boost::beast::string_view body, boost::system::error_code&) override
    {
        take(body);
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, boost::system::error_code&) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, boost::system::error_code&) override
    {
        take(body);
        return body.size();
    }

    void on_finish_impl(boost::system::error_code&) override
    {
        if (out_->streamed)
            out_->sink->end();
    }

    void take(boost::beast::string_view bytes)
    {
        if (out_->streamed) {
            bool last = false;
            if (stream_left_ != 0) {  // Content-Length: the bytes that complete it
                stream_left_ -= std::min<std::uint64_t>(stream_left_, bytes.size());
                last = stream_left_ == 0;
            }
            out_->sink->write(std::string_view(bytes.data(), bytes.size()), last);
        } else
            out_->body.append(bytes.data(), bytes.size());
    }

    raw_response* out_;
    std::uint64_t stream_left_ = 0;  ///< streamed body with a Content-Length: bytes still to come
};

}  // namespace meld::detail::transport

#endif
