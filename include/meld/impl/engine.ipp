// meld/impl/engine.ipp — the runner: one call = the call state machine driven over the transport (compiled once).
//
// Layers (docs/design.md): detail/pipeline/ decides (stamping, classification, retry, backoff), detail/transport/
// moves bytes (pool_state = who gets which connection; connection = sockets). This file only connects them:
// no coroutine spawn and no strand hop per call (the call runs on its connection's strand, reached by one
// dispatch). Cross-thread events — a cancellation emitted on any thread, a pool hand-off, a wait's timer —
// are serialised by the engine mutex, which guards the pool and each call's `where`; a cancellation never
// touches a socket from its own thread: it is posted to the connection's strand.
#ifndef MELD_IMPL_ENGINE_IPP
#define MELD_IMPL_ENGINE_IPP

#include <meld/detail/engine.hpp>
#include <meld/detail/recycler.hpp>
#include <meld/detail/pipeline/call_fsm.hpp>
#include <meld/detail/pipeline/redact.hpp>
#include <meld/detail/pipeline/request_head.hpp>
#include <meld/detail/transport/connection.hpp>
#include <meld/detail/transport/pool_state.hpp>
#include <meld/detail/transport/proxy.hpp>
#include <meld/detail/transport/tls.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace meld::detail {

namespace asio = boost::asio;

namespace runner {

using steady = std::chrono::steady_clock;
using conn_ptr = std::shared_ptr<transport::connection>;
using pool_type = transport::pool_state<conn_ptr>;

/// Where a call is; written under the engine mutex only, so every cross-thread event sees one truth.
enum class where : unsigned char { starting, queued, on_connection, backoff, finished };

inline double uniform01(void*)
{
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

inline std::string uuid_v4()
{
    thread_local boost::uuids::random_generator gen;
    return boost::uuids::to_string(gen());
}

struct call_op;
inline void release(call_op* op) noexcept;

/// An owning reference to a call (intrusive count: handlers, the timer's wait and the cancellation slot).
class op_ref {
public:
    op_ref() noexcept = default;
    explicit op_ref(call_op* op) noexcept;  // adopts one reference
    static op_ref share(call_op& op) noexcept;  // takes a new reference
    op_ref(op_ref const& o) noexcept;
    op_ref(op_ref&& o) noexcept : op_(o.op_) { o.op_ = nullptr; }
    op_ref& operator=(op_ref o) noexcept
    {
        std::swap(op_, o.op_);
        return *this;
    }
    ~op_ref() { release(op_); }
    call_op* operator->() const noexcept { return op_; }
    call_op& operator*() const noexcept { return *op_; }
    call_op* get() const noexcept { return op_; }

private:
    call_op* op_ = nullptr;
};

}  // namespace runner

struct engine::impl {
    using steady = runner::steady;

    asio::any_io_executor ex;
    client_params params;
    api_profile profile;
    std::shared_ptr<transport::transport_config> cfg;
    pipeline::head_constants head;
    pipeline::redactor redactor;
    std::string user_agent;
    std::atomic<std::size_t> opened{0};

    mutable std::mutex mtx;  // guards pool and every call's where / cancel_requested / timer_gen
    runner::pool_type pool;

    impl(asio::any_io_executor e, client_params p, api_profile prof)
        : ex(std::move(e)), params(std::move(p)), profile(std::move(prof)), cfg(std::make_shared<transport::transport_config>()),
          pool(params.pool_size)
    {
        std::string msg;
        if (auto ec = parse_base_url(params.base_url, cfg->url, msg))
            throw boost::system::system_error(ec, msg);
        if (params.tls.insecure_skip_verify && !cfg->url.loopback)
            throw boost::system::system_error(make_error_code(client_errc::insecure_url),
                                              "tls.insecure_skip_verify is only allowed for a loopback host");
        if (params.pool_size == 0)
            params.pool_size = 1;
        user_agent = "meld-cpp/" MELD_VERSION_STRING " (Boost.Beast)";
        if (!params.app_info.empty())
            user_agent += " " + params.app_info;
        std::string const authorization = profile.auth_prefix + params.api_key;
        if (auto bad = pipeline::head_constants::build(head, cfg->url.host_header, user_agent, profile.auth_header,
                                                       authorization, !params.api_key.empty(), params.meld_version,
                                                       profile.send_meld_version);
            !bad.empty())
            throw boost::system::system_error(make_error_code(client_errc::invalid_request),
                                              std::string(bad) + " contains CR, LF or NUL");
        if (!params.api_key.empty())
            redactor.add_credential(params.api_key, authorization);
        std::optional<transport::proxy_target> proxy;
        if (auto ec = transport::select_proxy(params.proxy, cfg->url,
                                                [](char const* name) -> char const* { return std::getenv(name); },
                                                proxy, msg))
            throw boost::system::system_error(ec, msg);
        if (proxy) {
            redactor.add_secret(proxy->authorization);
            redactor.add_secret(proxy->password);
            redactor.add_secret(pipeline::base64_encode(proxy->user + ":" + proxy->password));
            cfg->connect_request = transport::connect_request(cfg->url, *proxy, user_agent);
            cfg->proxy = std::move(proxy);
        }
        cfg->verify = !params.tls.insecure_skip_verify;
        cfg->connect_timeout = params.connect_timeout;
        cfg->max_response_size = params.max_response_size;
        if (cfg->url.tls)
            transport::configure_tls_context(cfg->ssl, params.tls);
    }

    void log(log_level level, std::string text) const
    {
        if (!params.logger.enabled(level))
            return;
        redactor.apply(text);
        params.logger.fn(level, text);
    }

    // the runner's steps (definitions below call_op)
    void start(runner::op_ref op);
    void begin_attempt(runner::op_ref op);
    void run_on_connection(runner::op_ref op, bool fresh);
    void start_exchange(runner::op_ref op);
    void attempt_done(runner::op_ref op, pipeline::attempt_outcome outcome, bool reusable);
    runner::op_ref claim(runner::pool_type::waiter* w);
    void give_back(runner::conn_ptr c, bool reusable);
    void hand_off(runner::op_ref op);
    void arm_timer(runner::call_op& op, steady::time_point at);
    void on_timer(runner::op_ref op, unsigned gen);
    void cancel(runner::op_ref op);
    void abort_on_strand(runner::op_ref op, runner::conn_ptr on);
    void finish(runner::op_ref op, error_code ec, bool may_run_inline);
    void report(runner::call_op& op, std::optional<std::chrono::milliseconds> retry_delay);
};

namespace runner {

struct call_op {
    call_op(std::shared_ptr<engine> o, engine::impl& e, call_state& c, pipeline::call_settings const& s)
        : owner(std::move(o)), eng(&e), call(&c), req(&c.req), resp(&c.resp), diag(c.diag),
          fsm(c.req, c.resp, *c.diag, s), deadline(s.deadline)
    {
        waiter.owner = this;
    }
    // one block per call, reused from the thread's cache (detail/recycler.hpp)
    static void* operator new(std::size_t n) { return recycler::allocate(n); }
    static void operator delete(void* p, std::size_t n) noexcept { recycler::deallocate(p, n); }

    std::atomic<unsigned> refs{1};
    std::shared_ptr<engine> owner;  // the pool lives as long as a call needs it
    engine::impl* eng;
    call_state* call;  // the typed half; null once completed
    prepared_request* req;
    raw_response* resp;
    diagnostics* diag;
    pipeline::call_fsm fsm;
    steady::time_point deadline;
    pool_type::waiter waiter;
    conn_ptr conn;                     // the connection of the current attempt (touched on its strand)
    where state = where::starting;     // guarded by eng->mtx
    bool cancel_requested = false;     // guarded by eng->mtx
    unsigned timer_gen = 0;            // guarded by eng->mtx
    std::optional<asio::steady_timer> timer;  // pool wait or backoff; armed under eng->mtx
    steady::time_point attempt_started{};
    bool attempt_reused = false;
    std::size_t bytes_sent = 0;
    std::size_t bytes_received = 0;
};

inline op_ref::op_ref(call_op* op) noexcept : op_(op) {}
inline op_ref::op_ref(op_ref const& o) noexcept : op_(o.op_)
{
    if (op_ != nullptr)
        op_->refs.fetch_add(1, std::memory_order_relaxed);
}
inline op_ref op_ref::share(call_op& op) noexcept
{
    op.refs.fetch_add(1, std::memory_order_relaxed);
    return op_ref{&op};
}
inline void release(call_op* op) noexcept
{
    if (op != nullptr && op->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
        delete op;
}

/// Lives in the caller's cancellation slot, possibly after the call ended (it then does nothing). It holds the
/// engine weakly: a late emit after the client is gone is a no-op. Runs on whatever thread emits.
struct cancel_handler {
    op_ref op;
    std::weak_ptr<engine> owner;
    void operator()(asio::cancellation_type type) const
    {
        if (type == asio::cancellation_type::none)
            return;
        if (auto const keep = owner.lock())
            op->eng->cancel(op);
    }
};

/// The transport's completion of one exchange.
struct exchange_done {
    op_ref op;
    void operator()(error_code ec, pipeline::attempt_phase phase, bool reusable) const
    {
        op->bytes_sent = op->conn->bytes_sent();
        op->bytes_received = op->conn->bytes_received();
        op->eng->attempt_done(op, {phase, ec, 0, op->attempt_reused}, reusable);
    }
};

}  // namespace runner

// ---- the runner's steps ----------------------------------------------------------------------------------

inline void engine::impl::start(runner::op_ref op)
{
    auto const action = op->fsm.start();
    if (action.kind == pipeline::call_action::type::done) {  // nothing to send: complete at once (posted)
        {
            std::lock_guard lock{mtx};
            op->state = runner::where::finished;
        }
        return finish(std::move(op), action.ec, false);
    }
    auto slot = op->call->slot;
    if (slot.is_connected())
        slot.template emplace<runner::cancel_handler>(runner::cancel_handler{op, op->owner});
    begin_attempt(std::move(op));
}

/// Asks the pool for a connection: reuse an idle one, open one in a free slot, or queue (FIFO) until one
/// is handed over or the deadline passes.
inline void engine::impl::begin_attempt(runner::op_ref op)
{
    op->attempt_started = steady::now();
    std::vector<runner::conn_ptr> dropped;  // stale idle connections, closed outside the lock
    transport::grant granted = transport::grant::wait;
    bool cancelled = false;
    {
        std::lock_guard lock{mtx};
        cancelled = op->cancel_requested;
        if (cancelled) {
            op->state = runner::where::finished;
        } else {
            auto r = pool.acquire(op->waiter, [](runner::conn_ptr& c) { return c->still_usable(); }, dropped);
            granted = r.kind;
            if (granted == transport::grant::reuse) {
                op->conn = std::move(r.conn);
                op->state = runner::where::on_connection;
            } else if (granted == transport::grant::wait) {
                op->state = runner::where::queued;
                arm_timer(*op, op->deadline);
            }
        }
    }
    dropped.clear();
    if (cancelled)
        return finish(std::move(op), asio::error::operation_aborted, false);
    if (granted == transport::grant::wait)
        return;
    op->attempt_reused = granted == transport::grant::reuse;
    run_on_connection(std::move(op), granted == transport::grant::open_new);
}

/// With a connection (reuse) or a slot (fresh): continue on the connection's strand.
inline void engine::impl::run_on_connection(runner::op_ref op, bool fresh)
{
    if (fresh) {
        auto c = transport::make_connection(ex, cfg);
        bool cancelled = false;
        {
            std::lock_guard lock{mtx};
            cancelled = op->cancel_requested;
            if (cancelled) {
                op->state = runner::where::finished;
            } else {
                op->conn = std::move(c);
                op->state = runner::where::on_connection;
            }
        }
        if (cancelled) {
            give_back(nullptr, false);
            return finish(std::move(op), asio::error::operation_aborted, false);
        }
    }
    auto const conn = op->conn;  // the call may move on (and drop it) before dispatch returns
    auto step = [op = std::move(op), fresh, this]() mutable {
        if (!fresh)
            return start_exchange(std::move(op));
        auto& c = *op->conn;
        c.async_connect(op->deadline, *op->diag, [op, this](error_code ec) mutable {
            if (ec)
                return attempt_done(std::move(op), {pipeline::attempt_phase::connecting, ec, 0, false}, false);
            opened.fetch_add(1, std::memory_order_relaxed);
            if (params.logger.enabled(log_level::debug))
                log(log_level::debug, "meld: connected to " + cfg->endpoint_name() +
                                          (cfg->proxy ? " through the proxy " + cfg->proxy->host : std::string()));
            start_exchange(std::move(op));
        });
    };
    conn->dispatch(transport::connection::task(std::move(step)));
}

/// On the connection's strand: stamp the head into the connection's buffer and exchange.
inline void engine::impl::start_exchange(runner::op_ref op)
{
    bool cancelled = false;
    {
        std::lock_guard lock{mtx};
        cancelled = op->cancel_requested;  // arrived while connecting, before the abort could reach the socket
    }
    auto& c = *op->conn;
    if (cancelled)
        c.abort();
    auto& buf = c.write_buffer();
    buf.clear();
    op->fsm.write_head(buf, head);
    buf.append(op->req->body);
    c.async_exchange(op->deadline, *op->resp, *op->diag, transport::connection::exchange_handler(runner::exchange_done{op}));
}

/// On the connection's strand: the connection goes back (to the oldest waiter first), the state machine decides.
inline void engine::impl::attempt_done(runner::op_ref op, pipeline::attempt_outcome outcome, bool reusable)
{
    runner::conn_ptr done_with;
    runner::op_ref next;
    bool cancelled = false;
    {
        std::lock_guard lock{mtx};
        done_with = std::move(op->conn);
        auto* w = reusable ? pool.release_reusable(std::move(done_with)) : pool.release_closed();
        if (w != nullptr)
            next = claim(w);
        cancelled = op->cancel_requested;
        op->state = runner::where::starting;
    }
    done_with.reset();  // closed (not reusable): the socket is already shut
    if (next.get() != nullptr)
        hand_off(std::move(next));
    if (cancelled && outcome.phase != pipeline::attempt_phase::answered)
        outcome.ec = asio::error::operation_aborted;

    auto const now = steady::now();
    auto const duration = std::chrono::duration_cast<std::chrono::microseconds>(now - op->attempt_started);
    auto action = op->fsm.on_attempt(outcome, duration, now, std::chrono::system_clock::now(),
                                     pipeline::random_source{&runner::uniform01, nullptr});
    if (action.kind == pipeline::call_action::type::wait && cancelled)
        action = {pipeline::call_action::type::done, {}, asio::error::operation_aborted};
    report(*op, action.kind == pipeline::call_action::type::wait ? std::optional(action.delay) : std::nullopt);

    if (action.kind == pipeline::call_action::type::send)
        return begin_attempt(std::move(op));  // a stale keep-alive connection: at once, on another one
    if (action.kind == pipeline::call_action::type::wait) {
        std::lock_guard lock{mtx};
        if (!op->cancel_requested) {
            op->state = runner::where::backoff;
            arm_timer(*op, steady::now() + action.delay);
            return;
        }
        action = {pipeline::call_action::type::done, {}, asio::error::operation_aborted};
    }
    {
        std::lock_guard lock{mtx};
        op->state = runner::where::finished;
    }
    finish(std::move(op), action.ec, true);
}

/// Under the mutex: a waiter was just dequeued by the pool. Takes a reference before anything else can
/// end it, and makes its pool-wait timer stale.
inline runner::op_ref engine::impl::claim(runner::pool_type::waiter* w)
{
    auto* op = static_cast<runner::call_op*>(w->owner);
    op->state = runner::where::starting;
    ++op->timer_gen;
    return runner::op_ref::share(*op);
}

/// A connection (or, with `c` null / not reusable, its slot) nobody will use: back to the pool, to the
/// oldest waiter first.
inline void engine::impl::give_back(runner::conn_ptr c, bool reusable)
{
    runner::op_ref next;
    {
        std::lock_guard lock{mtx};
        auto* w = reusable && c ? pool.release_reusable(std::move(c)) : pool.release_closed();
        if (w != nullptr)
            next = claim(w);
    }
    c.reset();
    if (next.get() != nullptr)
        hand_off(std::move(next));
}

/// A claimed waiter continues on what it was granted.
inline void engine::impl::hand_off(runner::op_ref op)
{
    op->timer->cancel();  // its wait is stale (claim bumped the generation)
    bool const fresh = op->waiter.granted == transport::grant::open_new;
    runner::conn_ptr granted = std::move(op->waiter.conn);
    bool cancelled = false;
    {
        std::lock_guard lock{mtx};
        cancelled = op->cancel_requested;  // cancelled between the claim and here
        if (cancelled) {
            op->state = runner::where::finished;
        } else if (!fresh) {
            op->conn = std::move(granted);
            op->state = runner::where::on_connection;
        }
    }
    if (cancelled) {
        give_back(std::move(granted), !fresh);
        return finish(std::move(op), asio::error::operation_aborted, false);
    }
    op->attempt_started = steady::now();
    op->attempt_reused = !fresh;
    run_on_connection(std::move(op), fresh);
}

/// Under the mutex: (re)arms the call's timer for a pool wait or a backoff. The handler keeps the engine.
inline void engine::impl::arm_timer(runner::call_op& op, steady::time_point at)
{
    if (!op.timer)
        op.timer.emplace(ex);
    op.timer->expires_at(at);
    op.timer->async_wait(asio::bind_allocator(
        recycling_allocator<void>{},
        [keep = op.owner, ref = runner::op_ref::share(op), gen = ++op.timer_gen](error_code) {
            keep->impl_->on_timer(ref, gen);
        }));
}

inline void engine::impl::on_timer(runner::op_ref op, unsigned gen)
{
    runner::where was{};
    {
        std::lock_guard lock{mtx};
        if (gen != op->timer_gen || (op->state != runner::where::queued && op->state != runner::where::backoff))
            return;  // stale: served, cancelled or re-armed meanwhile
        was = op->state;
        if (was == runner::where::queued) {
            pool.cancel(op->waiter);
            op->state = runner::where::finished;
        } else {
            op->state = runner::where::starting;
        }
    }
    if (was == runner::where::queued) {
        detail_access::set_client_message(*op->diag, "no pooled connection became free before the call's deadline (" +
                                                         std::to_string(params.pool_size) + " connections, all busy)");
        return finish(std::move(op), client_errc::request_timeout, true);
    }
    (void)op->fsm.on_wait_done();  // always: send
    begin_attempt(std::move(op));
}

/// From the cancellation slot, on any thread.
inline void engine::impl::cancel(runner::op_ref op)
{
    runner::conn_ptr on;
    std::shared_ptr<engine> keep;
    runner::where was{};
    {
        std::lock_guard lock{mtx};
        if (op->state == runner::where::finished || op->cancel_requested)
            return;
        keep = op->owner;  // finish() resets it only after `finished`, which we just saw is not the case
        op->cancel_requested = true;
        was = op->state;
        if (was == runner::where::queued) {
            pool.cancel(op->waiter);
            op->state = runner::where::finished;
            ++op->timer_gen;
        } else if (was == runner::where::backoff) {
            op->state = runner::where::finished;
            ++op->timer_gen;
        } else if (was == runner::where::on_connection) {
            on = op->conn;
        }
    }
    if (was == runner::where::queued || was == runner::where::backoff) {
        op->timer->cancel();
        return finish(std::move(op), asio::error::operation_aborted, false);
    }
    if (on) {  // the socket belongs to its strand: abort there, if the call is still on it
        auto& target = *on;
        target.post(transport::connection::task([keep = std::move(keep), op = std::move(op), on = std::move(on)]() mutable {
            keep->impl_->abort_on_strand(std::move(op), std::move(on));
        }));
    }
    // where::starting: the call is between steps; it sees cancel_requested at its next one.
}

inline void engine::impl::abort_on_strand(runner::op_ref op, runner::conn_ptr on)
{
    bool still_here = false;
    {
        std::lock_guard lock{mtx};
        still_here = op->state == runner::where::on_connection && op->conn == on;
    }
    if (still_here)
        on->abort();
}

inline void engine::impl::report(runner::call_op& op, std::optional<std::chrono::milliseconds> retry_delay)
{
    bool const want_event = static_cast<bool>(params.on_attempt);
    bool const want_log = params.logger.enabled(retry_delay ? log_level::warning : log_level::debug);
    if (!want_event && !want_log)
        return;
    auto const& rec = op.diag->attempts().back();
    auto const& outcome = op.fsm.last_outcome();
    if (want_event) {
        std::string request_id = redactor.contains_secret_or_cut(op.resp->request_id.view())
                                     ? std::string(pipeline::redacted_marker)
                                     : std::string(op.resp->request_id.view());
        attempt_event ev;
        ev.operation = op.req->operation_name;
        ev.method = op.req->method;
        ev.path_template = op.req->path_template;
        ev.attempt = op.fsm.attempts();
        ev.status = rec.status;
        ev.error = rec.error;
        ev.duration = rec.duration;
        ev.bytes_sent = op.bytes_sent;
        ev.bytes_received = op.bytes_received;
        ev.connection_reused = rec.connection_reused;
        ev.retry_delay = retry_delay;
        ev.request_id = request_id;
        params.on_attempt(ev);
    }
    if (want_log) {
        std::string line = "meld: " + std::string(op.req->operation_name) + " attempt " +
                           std::to_string(op.fsm.attempts()) + ": ";
        line += outcome.phase == pipeline::attempt_phase::answered ? "HTTP " + std::to_string(rec.status)
                                                                    : rec.error.message();
        line += " in " + std::to_string(rec.duration.count() / 1000) + " ms";
        if (retry_delay)
            line += "; retrying in " + std::to_string(retry_delay->count()) + " ms";
        if (!op.diag->client_message().empty())
            line += " (" + std::string(op.diag->client_message()) + ")";
        log(retry_delay ? log_level::warning : log_level::debug, std::move(line));
    }
}

inline void engine::impl::finish(runner::op_ref op, error_code ec, bool may_run_inline)
{
    detail_access::redact(*op->diag, redactor);
    if (ec && ec != asio::error::operation_aborted) {
        log_level const level = is_api_error(ec) ? log_level::info : log_level::error;
        if (params.logger.enabled(level))
            log(level, "meld: " + std::string(op->req->operation_name) + " failed: " + op->diag->summary());
    }
    call_state* call = std::exchange(op->call, nullptr);
    auto const io = ex;  // copied before the engine may go away with the call's reference to it
    op->owner.reset();
    call->complete(ec, io, may_run_inline);
}

// ---- the engine --------------------------------------------------------------------------------------------

MELD_DECL engine::engine(asio::any_io_executor ex, client_params params, api_profile profile)
    : impl_(std::make_unique<impl>(std::move(ex), std::move(params), std::move(profile)))
{
}

MELD_DECL engine::~engine()
{
    std::vector<runner::conn_ptr> idle;
    {
        std::lock_guard lock{impl_->mtx};
        idle = impl_->pool.take_idle();
    }
    for (auto& c : idle)
        c->close();
}

MELD_DECL void engine::async_execute(call_state& call)
{
    pipeline::call_settings const settings{
        &impl_->params.retry, runner::steady::now() + call.req.timeout.value_or(impl_->params.request_timeout),
        impl_->params.generate_idempotency_keys, &runner::uuid_v4};
    runner::op_ref op{new runner::call_op(shared_from_this(), *impl_, call, settings)};
    impl_->start(std::move(op));
}

MELD_DECL asio::any_io_executor engine::get_executor() const noexcept { return impl_->ex; }

MELD_DECL client_params const& engine::params() const noexcept { return impl_->params; }

MELD_DECL std::size_t engine::connections_opened() const noexcept
{
    return impl_->opened.load(std::memory_order_relaxed);
}

MELD_DECL std::size_t engine::connections_open() const
{
    std::lock_guard lock{impl_->mtx};
    return impl_->pool.open();
}

MELD_DECL std::size_t engine::connections_idle() const
{
    std::lock_guard lock{impl_->mtx};
    return impl_->pool.idle();
}

MELD_DECL void engine::after_decode(std::string_view operation, diagnostics& diag) const
{
    detail_access::redact(diag, impl_->redactor);
    if (!impl_->params.logger.enabled(log_level::warning) || diag.decode_warning_count() == 0)
        return;
    std::string line = "meld: " + std::string(operation) + ": " + std::to_string(diag.decode_warning_count()) +
                       " value(s) of an unexpected type left empty";
    for (auto const& w : diag.decode_warnings())
        line += "; " + (w.path.empty() ? std::string("/") : w.path) + ": expected " + w.expected + ", got " + w.raw;
    impl_->log(log_level::warning, std::move(line));
}

MELD_DECL void engine::close_idle()
{
    std::vector<runner::conn_ptr> idle;
    {
        std::lock_guard lock{impl_->mtx};
        idle = impl_->pool.take_idle();
    }
    for (auto& c : idle) {
        auto& target = *c;
        target.post(transport::connection::task([c] { c->close(); }));
    }
}

}  // namespace meld::detail

#endif
