// meld/operation.hpp — meld::operation<Endpoint>: the one template behind every call (`meld.crypto.quote(...)`).
//
// From the descriptor alone it builds the request (sans-io, detail/request_builder.hpp), hands the wire
// request to the engine and decodes the answer into Endpoint::response_type. Every call accepts any Asio
// completion token; the completion signature is void(error_code, response_type). The default token throws
// meld::error (see with_diagnostics.hpp); pass a `diagnostics&` to get the details without exceptions.
// Paginated operations (traits.paginated) also offer pages(req, page_params) and items(req, page_params):
// async generators over every page / row (meld/pagination.hpp, included at the end of this file).
#ifndef MELD_OPERATION_HPP
#define MELD_OPERATION_HPP

#include <meld/client_params.hpp>
#include <meld/detail/coawait_guard.hpp>
#include <meld/detail/engine.hpp>
#include <meld/detail/handler_forwarding.hpp>
#include <meld/detail/pagination_params.hpp>
#include <meld/detail/path_template.hpp>
#include <meld/detail/request_builder.hpp>
#include <meld/diagnostics.hpp>
#include <meld/json/decode.hpp>
#include <meld/with_diagnostics.hpp>

#include <boost/asio/async_result.hpp>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace meld {

template <class Endpoint>
class page_generator;
template <class Endpoint>
class item_generator;

namespace detail {

template <class Endpoint, class Handler>
struct op_state {
    Handler handler;
    prepared_request req;
    raw_response resp;
    diagnostics local_diag;
    diagnostics* diag;
    engine* eng;
    bool strict;

    op_state(Handler h, prepared_request r, diagnostics* d, engine* e)
        : handler(std::move(h)), req(std::move(r)), diag(d != nullptr ? d : &local_diag), eng(e),
          strict(req.strict_decoding.value_or(e->params().strict_decoding))
    {
    }
};

/// Decodes the engine's answer into the typed response (tolerantly unless strict: decode_report.hpp) and
/// completes the user's handler.
template <class Endpoint, class Handler>
struct typed_completion {
    std::unique_ptr<op_state<Endpoint, Handler>> st_;

    void operator()(error_code ec)
    {
        typename Endpoint::response_type result{};
        if (!ec) {
            std::string msg;
            std::string_view body = st_->resp.body;
            if (body.empty())
                body = "null";
            json::decode_report report;
            if (auto dec = json::decode(body, result, json::decode_options{.strict = st_->strict}, &report, &msg)) {
                ec = dec;
                detail_access::set_client_message(*st_->diag, "decoding the " + std::string(Endpoint::name) +
                                                                  " response failed: " + msg);
            }
            if (!report.empty() || ec) {
                detail_access::set_decode_report(*st_->diag, std::move(report));
                st_->eng->after_decode(Endpoint::name, *st_->diag);
            }
        }
        auto handler = std::move(st_->handler);
        st_.reset();
        std::move(handler)(ec, std::move(result));
    }
};

template <class Endpoint>
struct operation_initiation {
    using value_type = typename Endpoint::response_type;
    engine* eng;
    diagnostics* diag;

    template <class Handler>
    void operator()(Handler&& handler, prepared_request req)
    {
        using state_type = op_state<Endpoint, std::decay_t<Handler>>;
        auto st = std::make_unique<state_type>(std::forward<Handler>(handler), std::move(req), diag, eng);
        auto& s = *st;
        eng->async_execute(s.req, s.resp, *s.diag,
                           typed_completion<Endpoint, std::decay_t<Handler>>{std::move(st)});
    }
};

template <class T>
concept completion_token_arg =
    !std::is_same_v<std::decay_t<T>, call_params> && !std::is_same_v<std::decay_t<T>, diagnostics>;

}  // namespace detail

template <class Endpoint>
class operation {
    static_assert(detail::params_name_members<Endpoint>(),
                  "every entry of Endpoint::params must name a member of Endpoint::request_type");
    static_assert(detail::path_template_matches_request<Endpoint>(),
                  "every {placeholder} of Endpoint::path must be a path member of the request, and vice versa");

public:
    using endpoint_type = Endpoint;
    using request_type = typename Endpoint::request_type;
    using response_type = typename Endpoint::response_type;

    explicit operation(detail::engine& e) noexcept : engine_(&e) {}

    /// Sends `req`; completes with void(error_code, response_type).
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type const& req, CompletionToken&& token = CompletionToken{}) const
    {
        return initiate(req, nullptr, nullptr, std::forward<CompletionToken>(token));
    }

    /// Same, with per-call overrides (Meld-Version, idempotency key, timeout, retry policy, strict decoding).
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type const& req, call_params const& opts, CompletionToken&& token = CompletionToken{}) const
    {
        return initiate(req, &opts, nullptr, std::forward<CompletionToken>(token));
    }

    /// Non-throwing form: failures fill `diag` (which must outlive the call) and complete with the error_code.
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type const& req, call_params const& opts, diagnostics& diag,
                    CompletionToken&& token = CompletionToken{}) const
    {
        return initiate(req, &opts, &diag, std::forward<CompletionToken>(token));
    }

    /// Non-throwing form without overrides.
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type const& req, diagnostics& diag, CompletionToken&& token = CompletionToken{}) const
    {
        return initiate(req, nullptr, &diag, std::forward<CompletionToken>(token));
    }

    // Rvalue requests / call_params (`quote({...})`): the same calls, except on gcc 12 with a token that can be
    // co_awaited, where they do not compile (detail/coawait_guard.hpp explains why no API shape can make
    // `co_await quote({...})` safe there). Name the request instead.
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type&& req, CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, nullptr, nullptr, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type&& req, call_params const& opts, CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, &opts, nullptr, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type const& req, call_params&& opts, CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, &opts, nullptr, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto operator()(request_type&& req, call_params&& opts, CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, &opts, nullptr, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type&& req, call_params const& opts, diagnostics& diag,
                    CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, &opts, &diag, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type const& req, call_params&& opts, diagnostics& diag,
                    CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, &opts, &diag, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type&& req, call_params&& opts, diagnostics& diag,
                    CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, &opts, &diag, std::forward<CompletionToken>(token));
    }
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto operator()(request_type&& req, diagnostics& diag, CompletionToken&& token = CompletionToken{}) const
    {
        static_assert(detail::rvalue_aggregate_ok<CompletionToken>, MELD_GCC12_INLINE_MESSAGE);
        return initiate(req, nullptr, &diag, std::forward<CompletionToken>(token));
    }

    /// Paginated operations only: an async generator of pages, `while (auto p = co_await g.next())`.
    /// Every filter of `req` is kept on every page; see page_params for direction, start/stop and prefetch.
    page_generator<Endpoint> pages(request_type const& req, page_params params = {}) const
        requires(Endpoint::traits.paginated)
    {
        return page_generator<Endpoint>(*this, req, std::move(params));
    }

    /// Paginated operations only: an async generator of rows (in walking order) across pages.
    item_generator<Endpoint> items(request_type const& req, page_params params = {}) const
        requires(Endpoint::traits.paginated)
    {
        return item_generator<Endpoint>(*this, req, std::move(params));
    }

    /// The executor of the client's engine (where completions without an associated executor run).
    boost::asio::any_io_executor get_executor() const { return engine_->get_executor(); }

private:
    template <class CompletionToken>
    auto initiate(request_type const& req, call_params const* opts, diagnostics* diag, CompletionToken&& token) const
    {
        static call_params const none{};
        return boost::asio::async_initiate<CompletionToken, void(error_code, response_type)>(
            detail::operation_initiation<Endpoint>{engine_, diag}, token,
            detail::build_request<Endpoint>(req, opts != nullptr ? *opts : none));
    }

    detail::engine* engine_;
};

}  // namespace meld

namespace boost::asio {
template <template <class, class> class Associator, class Endpoint, class Handler, class DefaultCandidate>
struct associator<Associator, meld::detail::typed_completion<Endpoint, Handler>, DefaultCandidate>
    : meld::detail::forward_associator<Associator, Handler, DefaultCandidate,
                                       meld::detail::typed_completion<Endpoint, Handler>> {};
}  // namespace boost::asio

#include <meld/pagination.hpp>  // page_generator / item_generator (needs operation<> complete)

#endif
