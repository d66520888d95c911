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
#include <meld/detail/pagination_params.hpp>
#include <meld/detail/path_template.hpp>
#include <meld/detail/recycler.hpp>
#include <meld/detail/request_builder.hpp>
#include <meld/diagnostics.hpp>
#include <meld/json/decode.hpp>
#include <meld/json/detail/stream_decoder.hpp>
#include <meld/with_diagnostics.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace meld {

template <class Endpoint>
class page_generator;
template <class Endpoint>
class item_generator;

namespace detail {

/// One call's typed half, one block (from the thread's recycler): the wire request and answer the engine
/// fills, the user's handler with outstanding work on its executor, and the typed decode of the answer — fed
/// by the transport as a 2xx JSON body arrives (body_sink: no body string), or from the body afterwards.
template <class Endpoint, class Handler>
class typed_call final : public call_state, private body_sink {
public:
    using response_type = typename Endpoint::response_type;
    using work_type = std::decay_t<decltype(boost::asio::prefer(
        boost::asio::get_associated_executor(std::declval<Handler&>(), std::declval<boost::asio::any_io_executor>()),
        boost::asio::execution::outstanding_work.tracked))>;

    /// Starts the call: the engine completes it (exactly once) through complete().
    static void start(Handler&& h, prepared_request&& r, diagnostics* d, engine& e)
    {
        void* mem = recycler::allocate(sizeof(typed_call));
        typed_call* self = nullptr;
        try {
            self = new (mem) typed_call(std::move(h), std::move(r), d, e);
            e.async_execute(*self);  // throws only before the engine holds the call (out of memory)
        } catch (...) {
            if (self != nullptr)
                self->~typed_call();
            recycler::deallocate(mem, sizeof(typed_call));
            throw;
        }
    }

    void complete(error_code ec, boost::asio::any_io_executor const& io, bool may_run_inline) override
    {
        auto run = [self = this, ec] { self->deliver(ec); };
        if (may_run_inline)
            boost::asio::dispatch(work_, std::move(run));
        else
            boost::asio::post(io, boost::asio::bind_executor(work_, std::move(run)));
    }

private:
    typed_call(Handler&& h, prepared_request&& r, diagnostics* d, engine& e)
        : handler_(std::move(h)),
          work_(boost::asio::prefer(boost::asio::get_associated_executor(handler_, e.get_executor()),
                                    boost::asio::execution::outstanding_work.tracked)),
          eng_(e.shared_from_this()),
          decoder_(result_, json::decode_options{.strict = r.strict_decoding.value_or(e.params().strict_decoding)})
    {
        req = std::move(r);
        diag = d != nullptr ? d : &local_diag_;
        slot = boost::asio::get_associated_cancellation_slot(handler_);
        strict_ = req.strict_decoding.value_or(e.params().strict_decoding);
        resp.sink = this;
    }

    // body_sink: on the connection's strand, while the exchange runs
    void begin() override { decoder_.begin(); }
    void write(std::string_view bytes, bool last) override { decoder_.write(bytes, last); }
    void end() override { decoder_.end(); }

    /// On the handler's executor: the decode of the answer (tolerant unless strict: decode_report.hpp) — done
    /// while the body arrived, or now from the body — then frees this call and invokes the handler.
    void deliver(error_code ec)
    {
        if (!ec) {
            std::string msg;
            json::decode_report report;
            if (resp.streamed) {
                ec = decoder_.error();
                msg = decoder_.message();
                report = std::move(decoder_.report());
            } else {
                std::string_view body = resp.body;
                if (body.empty())
                    body = "null";
                ec = json::decode(body, result_, json::decode_options{.strict = strict_}, &report, &msg);
            }
            if (ec)
                detail_access::set_client_message(*diag, "decoding the " + std::string(Endpoint::name) +
                                                             " response failed: " + msg);
            if (!report.empty() || ec) {
                detail_access::set_decode_report(*diag, std::move(report));
                eng_->after_decode(Endpoint::name, *diag);
            }
        }
        if (ec)
            result_ = response_type{};
        Handler handler = std::move(handler_);
        response_type result = std::move(result_);
        this->~typed_call();
        recycler::deallocate(this, sizeof(typed_call));
        std::move(handler)(ec, std::move(result));
    }

    Handler handler_;
    work_type work_;  // the handler's executor, with outstanding work while the call runs
    std::shared_ptr<engine> eng_;
    diagnostics local_diag_;
    bool strict_ = false;
    response_type result_{};
    json::detail::stream_decoder<response_type> decoder_;
};

template <class Endpoint>
struct operation_initiation {
    using value_type = typename Endpoint::response_type;
    engine* eng;
    diagnostics* diag;

    template <class Handler>
    void operator()(Handler&& handler, prepared_request req)
    {
        std::decay_t<Handler> h(std::forward<Handler>(handler));
        typed_call<Endpoint, std::decay_t<Handler>>::start(std::move(h), std::move(req), diag, *eng);
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

#include <meld/pagination.hpp>  // page_generator / item_generator (needs operation<> complete)

#endif
