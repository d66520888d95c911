// meld/pagination.hpp — async generators over every paginated search (operations with traits.paginated).
//
//   auto pages = meld.payments.transactions.search.pages(req, {.limit = 100});
//   while (auto page = co_await pages.next()) ...          // page: std::optional<response_type>
//   auto rows = meld.customers.search.items(req, {.stop_key = k});
//   while (auto row = co_await rows.next()) ...            // row: std::optional<Row>, in walking order
//
// next() takes any completion token (default meld::default_token_t: throws meld::error); signature
// void(error_code, std::optional<T>), empty optional = the end. Walking decisions are sans-io
// (detail/pagination_walker.hpp); this file is the thin I/O layer over operation<Endpoint>. One page is
// buffered (two with page_params::prefetch); a failed page is requested again by the next next(); cancelling
// next() (cancellation slot) aborts the in-flight request, whose connection is closed. Not thread-safe.
#ifndef MELD_PAGINATION_HPP
#define MELD_PAGINATION_HPP

#include <meld/detail/handler_forwarding.hpp>
#include <meld/detail/pagination_params.hpp>
#include <meld/detail/pagination_reflect.hpp>
#include <meld/detail/pagination_walker.hpp>
#include <meld/diagnostics.hpp>
#include <meld/operation.hpp>
#include <meld/with_diagnostics.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace meld {
namespace detail {

/// Completes `handler` with (ec, value) on its associated executor (default `io_ex`): posted when the
/// result is already at hand (never inline in the initiating call), dispatched from another completion.
template <class Handler, class T>
void complete_on(boost::asio::any_io_executor const& io_ex, Handler&& handler, error_code ec, T value, bool immediate)
{
    auto ex = boost::asio::get_associated_executor(handler, io_ex);
    auto fn = boost::asio::bind_executor(
        ex, [h = std::forward<Handler>(handler), ec, v = std::move(value)]() mutable { std::move(h)(ec, std::move(v)); });
    if (immediate)
        boost::asio::post(io_ex, std::move(fn));
    else
        boost::asio::dispatch(std::move(fn));
}

/// Shared state of one walk: the walker, the base request (filters), at most one fetched or in-flight page.
template <class Endpoint>
class page_core : public std::enable_shared_from_this<page_core<Endpoint>> {
public:
    using request_type = typename Endpoint::request_type;
    using page_type = typename Endpoint::response_type;
    using access = page_access<page_type>;
    using signature = void(error_code, std::optional<page_type>);

    page_core(operation<Endpoint> op, request_type req, page_params p)
        : op_(op), base_(std::move(req)), params_(with_start_key(std::move(p), base_)), walker_(params_)
    {
        base_.before.reset();
        base_.after.reset();
        if (params_.limit)
            base_.limit = *params_.limit;
    }

    page_walker const& walker() const noexcept { return walker_; }
    boost::asio::any_io_executor get_executor() const { return op_.get_executor(); }

    template <class Handler>
    void async_next(Handler&& handler, diagnostics* diag)
    {
        if (waiter_) {  // one next() at a time
            complete(std::forward<Handler>(handler), make_error_code(boost::system::errc::operation_in_progress),
                     std::nullopt, true);
            return;
        }
        if (slot_ == slot_state::ready || (slot_ == slot_state::empty && walker_.finished())) {
            deliver(std::forward<Handler>(handler), diag, true);
            return;
        }
        if (slot_ == slot_state::empty)
            start_request();
        auto cslot = boost::asio::get_associated_cancellation_slot(handler);
        waiter_.emplace(std::forward<Handler>(handler));
        waiter_diag_ = diag;
        if (cslot.is_connected()) {
            waiter_slot_ = cslot;
            cslot.assign([w = this->weak_from_this()](boost::asio::cancellation_type t) {
                if (auto self = w.lock(); self && self->slot_ == slot_state::in_flight)
                    self->cancel_.emit(t);
            });
        }
    }

    /// The generator was dropped: abort the in-flight request (its connection is closed by the engine).
    void abandon()
    {
        if (slot_ == slot_state::in_flight)
            cancel_.emit(boost::asio::cancellation_type::terminal);
    }

private:
    enum class slot_state { empty, in_flight, ready };

    static page_params with_start_key(page_params p, request_type const& req)
    {
        if (!p.start_key)
            p.start_key = p.direction == page_direction::forward ? req.after : req.before;
        return p;
    }

    void start_request()
    {
        slot_ = slot_state::in_flight;
        slot_diag_.clear();
        request_type req = base_;  // a named request (gcc 12 and aggregate temporaries in co_await)
        auto cursor = walker_.next_cursor();
        req.before = std::move(cursor.before);
        req.after = std::move(cursor.after);
        auto self = this->shared_from_this();
        op_(req, params_.call, slot_diag_,
            boost::asio::bind_cancellation_slot(cancel_.slot(), [self](error_code ec, page_type resp) {
                self->on_response(ec, std::move(resp));
            }));
    }

    void on_response(error_code ec, page_type page)
    {
        slot_ = slot_state::ready;
        slot_ec_ = ec;
        if (!ec)
            page_.emplace(std::move(page));
        if (!waiter_)
            return;  // prefetched: kept until the next next()
        auto h = std::move(*waiter_);
        waiter_.reset();
        if (waiter_slot_.is_connected())
            waiter_slot_.clear();
        waiter_slot_ = {};
        deliver(std::move(h), waiter_diag_, false);
    }

    template <class Handler>
    void deliver(Handler&& handler, diagnostics* diag, bool immediate)
    {
        error_code ec;
        std::optional<page_type> out;
        if (slot_ == slot_state::ready) {
            slot_ = slot_state::empty;
            if (slot_ec_) {
                ec = slot_ec_;
                if (diag != nullptr)
                    *diag = std::move(slot_diag_);
            } else {
                auto& list = access::list(*page_);
                std::vector<std::string const*> keys;
                if (list) {
                    keys.reserve(list->size());
                    for (auto const& row : *list)
                        keys.push_back(row.key ? &*row.key : nullptr);
                }
                auto const v = walker_.on_page(keys, access::remaining(*page_));
                if (v.ec) {
                    ec = v.ec;
                    if (diag != nullptr)
                        detail_access::set_client_message(*diag, std::string(Endpoint::name) + ": " + v.message);
                } else if (v.last > v.first) {
                    using diff = typename std::vector<typename access::row_type>::difference_type;
                    list->erase(list->begin() + static_cast<diff>(v.last), list->end());
                    list->erase(list->begin(), list->begin() + static_cast<diff>(v.first));
                    out = std::move(page_);
                    if (!walker_.finished() && params_.prefetch)
                        start_request();
                }
                page_.reset();
            }
        } else if (walker_.failure()) {
            ec = walker_.failure();
            if (diag != nullptr)
                detail_access::set_client_message(*diag, std::string(Endpoint::name) + ": " + walker_.failure_message());
        }
        complete(std::forward<Handler>(handler), ec, std::move(out), immediate);
    }

    template <class Handler>
    void complete(Handler&& handler, error_code ec, std::optional<page_type> out, bool immediate)
    {
        complete_on(op_.get_executor(), std::forward<Handler>(handler), ec, std::move(out), immediate);
    }

    operation<Endpoint> op_;
    request_type base_;
    page_params params_;
    page_walker walker_;
    slot_state slot_ = slot_state::empty;
    error_code slot_ec_{};
    std::optional<page_type> page_{};
    diagnostics slot_diag_{};
    boost::asio::cancellation_signal cancel_{};
    std::optional<boost::asio::any_completion_handler<signature>> waiter_{};
    diagnostics* waiter_diag_ = nullptr;
    boost::asio::cancellation_slot waiter_slot_{};
};

template <class Endpoint>
struct next_page_initiation {
    using value_type = std::optional<typename Endpoint::response_type>;
    std::shared_ptr<page_core<Endpoint>> core;
    diagnostics* diag = nullptr;

    template <class Handler>
    void operator()(Handler&& handler)
    {
        core->async_next(std::forward<Handler>(handler), diag);
    }
};

/// The rows of the current page, in walking order, and the page walk behind them.
template <class Endpoint>
struct item_core {
    using row_type = typename page_access<typename Endpoint::response_type>::row_type;
    std::shared_ptr<page_core<Endpoint>> pages;
    std::vector<row_type> rows{};
    std::size_t pos = 0;
};

template <class Endpoint, class Handler>
struct item_page_handler {
    using page_type = typename Endpoint::response_type;
    using row_type = typename item_core<Endpoint>::row_type;
    Handler handler_;
    std::shared_ptr<item_core<Endpoint>> core;

    void operator()(error_code ec, std::optional<page_type> page)
    {
        std::optional<row_type> row;
        if (!ec && page) {
            auto& list = page_access<page_type>::list(*page);
            core->rows = std::move(*list);
            if (core->pages->walker().direction() == page_direction::backward)
                std::reverse(core->rows.begin(), core->rows.end());
            core->pos = 1;
            row.emplace(std::move(core->rows.front()));
        }
        std::move(handler_)(ec, std::move(row));
    }
};

template <class Endpoint>
struct next_item_initiation {
    using value_type = std::optional<typename item_core<Endpoint>::row_type>;
    std::shared_ptr<item_core<Endpoint>> core;
    diagnostics* diag = nullptr;

    template <class Handler>
    void operator()(Handler&& handler)
    {
        if (core->pos < core->rows.size()) {
            value_type row{std::move(core->rows[core->pos++])};
            complete_on(core->pages->get_executor(), std::forward<Handler>(handler), error_code{}, std::move(row), true);
            return;
        }
        core->rows.clear();
        core->pos = 0;
        core->pages->async_next(item_page_handler<Endpoint, std::decay_t<Handler>>{std::forward<Handler>(handler), core},
                                diag);
    }
};

}  // namespace detail

/// Async generator of pages: each next() completes with the next page (rows in server order, cut at the stop
/// conditions) or an empty optional at the end.
template <class Endpoint>
class page_generator {
    static_assert(detail::paginated_endpoint<Endpoint>,
                  "pages()/items() need traits.paginated, request members before/after/limit and exactly one "
                  "response member std::optional<std::vector<Row>> whose Row has a `key`");

public:
    using endpoint_type = Endpoint;
    using page_type = typename Endpoint::response_type;
    using row_type = typename detail::page_access<page_type>::row_type;

    page_generator(operation<Endpoint> op, typename Endpoint::request_type req, page_params params = {})
        : core_(std::make_shared<detail::page_core<Endpoint>>(op, std::move(req), std::move(params)))
    {
    }
    page_generator(page_generator&&) noexcept = default;
    page_generator& operator=(page_generator&& o) noexcept
    {
        if (this != &o) {
            release();
            core_ = std::move(o.core_);
        }
        return *this;
    }
    page_generator(page_generator const&) = delete;
    page_generator& operator=(page_generator const&) = delete;
    ~page_generator() { release(); }

    /// Completes with void(error_code, std::optional<page_type>); the default token throws meld::error.
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto next(CompletionToken&& token = CompletionToken{})
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code, std::optional<page_type>)>(
            detail::next_page_initiation<Endpoint>{core_, nullptr}, token);
    }

    /// Non-throwing form: a failure fills `diag` (which must outlive the call).
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto next(diagnostics& diag, CompletionToken&& token = CompletionToken{})
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code, std::optional<page_type>)>(
            detail::next_page_initiation<Endpoint>{core_, &diag}, token);
    }

    bool done() const noexcept { return core_->walker().finished(); }
    stop_reason reason() const noexcept { return core_->walker().reason(); }
    std::size_t pages_received() const noexcept { return core_->walker().pages_seen(); }
    std::size_t items_delivered() const noexcept { return core_->walker().items_delivered(); }

private:
    template <class>
    friend class item_generator;

    void release()
    {
        if (core_)
            core_->abandon();
        core_.reset();
    }

    std::shared_ptr<detail::page_core<Endpoint>> core_;
};

/// Async generator of rows in walking order (reverse server order when walking backward).
template <class Endpoint>
class item_generator {
public:
    using endpoint_type = Endpoint;
    using page_type = typename Endpoint::response_type;
    using row_type = typename page_generator<Endpoint>::row_type;

    item_generator(operation<Endpoint> op, typename Endpoint::request_type req, page_params params = {})
        : pages_(op, std::move(req), std::move(params)),
          core_(std::make_shared<detail::item_core<Endpoint>>(detail::item_core<Endpoint>{pages_.core_}))
    {
    }

    /// Completes with void(error_code, std::optional<row_type>); the default token throws meld::error.
    template <detail::completion_token_arg CompletionToken = default_token_t>
    auto next(CompletionToken&& token = CompletionToken{})
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code, std::optional<row_type>)>(
            detail::next_item_initiation<Endpoint>{core_, nullptr}, token);
    }

    /// Non-throwing form: a failure fills `diag` (which must outlive the call).
    template <detail::completion_token_arg CompletionToken = boost::asio::use_awaitable_t<>>
    auto next(diagnostics& diag, CompletionToken&& token = CompletionToken{})
    {
        return boost::asio::async_initiate<CompletionToken, void(error_code, std::optional<row_type>)>(
            detail::next_item_initiation<Endpoint>{core_, &diag}, token);
    }

    bool done() const noexcept { return core_->pos >= core_->rows.size() && pages_.done(); }
    stop_reason reason() const noexcept { return pages_.reason(); }
    std::size_t pages_received() const noexcept { return pages_.pages_received(); }

private:
    page_generator<Endpoint> pages_;
    std::shared_ptr<detail::item_core<Endpoint>> core_;
};

}  // namespace meld

namespace boost::asio {
template <template <class, class> class Associator, class Endpoint, class Handler, class DefaultCandidate>
struct associator<Associator, meld::detail::item_page_handler<Endpoint, Handler>, DefaultCandidate>
    : meld::detail::forward_associator<Associator, Handler, DefaultCandidate,
                                       meld::detail::item_page_handler<Endpoint, Handler>> {};
}  // namespace boost::asio

#endif
