// meld/detail/engine.hpp — the single, non-template engine behind every meld::operation.
//
// A small runner: for each call it drives the sans-io call state machine (detail/pipeline/call_fsm.hpp:
// stamping, classification, retries) over the transport (detail/transport/: pool state + connections).
// Every typed call ends in async_execute() with its call_state (the typed half, one object per call, owned by
// operation.hpp), so the networking code is compiled once (impl/engine.ipp). Thread model: the client may be used from an io_context run by many threads and
// cancelled from any of them; pool state is guarded by a mutex, each connection runs on its own strand.
#ifndef MELD_DETAIL_ENGINE_HPP
#define MELD_DETAIL_ENGINE_HPP

#include <meld/client_params.hpp>
#include <meld/detail/config.hpp>
#include <meld/detail/engine_fwd.hpp>
#include <meld/detail/http_request.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace meld::detail {

/// How an API authenticates and versions its calls. Meld: `Authorization: BASIC <key>` + `Meld-Version`;
/// other APIs served by the same engine (e.g. Bleepay) use another header and no version.
struct api_profile {
    std::string auth_header = "Authorization";
    std::string auth_prefix = "BASIC ";  ///< the secret (client_params::api_key) follows it
    bool send_meld_version = true;
};

/// What the engine needs of one call: the request, where the answer goes, and how to complete it. The typed
/// half (operation.hpp) derives from it and holds the user's handler; complete() is called exactly once, after
/// which the engine touches none of these members again.
class call_state {
public:
    prepared_request req;
    raw_response resp;
    diagnostics* diag = nullptr;
    boost::asio::cancellation_slot slot;  ///< the handler's associated slot (may be unconnected)

    /// Completes the call with `ec` on the handler's executor: at once when `may_run_inline` (the engine is
    /// on one of its own handlers), otherwise posted through `io` (never inside the initiating function).
    virtual void complete(error_code ec, boost::asio::any_io_executor const& io, bool may_run_inline) = 0;

protected:
    call_state() = default;
    call_state(call_state const&) = delete;
    call_state& operator=(call_state const&) = delete;
    ~call_state() = default;
};

class engine : public std::enable_shared_from_this<engine> {
public:
    /// Validates `params` (base URL, TLS opt-out); throws boost::system::system_error if they are unusable.
    MELD_DECL engine(boost::asio::any_io_executor ex, client_params params, api_profile profile = {});
    MELD_DECL ~engine();
    engine(engine const&) = delete;
    engine& operator=(engine const&) = delete;

    /// Sends `call.req` (retrying per its policy; it receives a generated idempotency key) and stores the final
    /// answer in `call.resp`; `call` must stay alive until its complete(). Completes with {} for a 2xx JSON
    /// answer, the "meld.api" error for HTTP errors, or a client_errc / Asio error. `call.slot` aborts the
    /// call (from any thread); it is never forwarded into another executor.
    MELD_DECL void async_execute(call_state& call);

    MELD_DECL boost::asio::any_io_executor get_executor() const noexcept;
    MELD_DECL client_params const& params() const noexcept;
    /// Connections opened since construction (TCP + TLS handshakes that succeeded).
    MELD_DECL std::size_t connections_opened() const noexcept;
    /// Connections open now (idle + busy + connecting) and idle ones.
    MELD_DECL std::size_t connections_open() const;
    MELD_DECL std::size_t connections_idle() const;
    /// After the typed decode of a call's answer: redacts its decode warnings and logs them (warning level).
    MELD_DECL void after_decode(std::string_view operation, diagnostics& diag) const;
    /// Closes idle connections; in-flight calls finish normally.
    MELD_DECL void close_idle();

    struct impl;  // impl/engine.ipp (public only so that the runner's call state can name it)

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace meld::detail

#ifndef MELD_SEPARATE_COMPILATION
#include <meld/impl/engine.ipp>
#endif

#endif
