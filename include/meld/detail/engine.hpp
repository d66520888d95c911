// meld/detail/engine.hpp — the single, non-template engine behind every meld::operation.
//
// A small runner: for each call it drives the sans-io call state machine (detail/pipeline/call_fsm.hpp:
// stamping, classification, retries) over the transport (detail/transport/: pool state + connections).
// Every typed call ends in async_execute(), whose handler is type-erased, so the networking code is compiled
// once (impl/engine.ipp). Thread model: the client may be used from an io_context run by many threads and
// cancelled from any of them; pool state is guarded by a mutex, each connection runs on its own strand.
#ifndef MELD_DETAIL_ENGINE_HPP
#define MELD_DETAIL_ENGINE_HPP

#include <meld/client_params.hpp>
#include <meld/detail/config.hpp>
#include <meld/detail/engine_fwd.hpp>
#include <meld/detail/http_request.hpp>
#include <meld/diagnostics.hpp>
#include <meld/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

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

class engine : public std::enable_shared_from_this<engine> {
public:
    /// Validates `params` (base URL, TLS opt-out); throws boost::system::system_error if they are unusable.
    MELD_DECL engine(boost::asio::any_io_executor ex, client_params params, api_profile profile = {});
    MELD_DECL ~engine();
    engine(engine const&) = delete;
    engine& operator=(engine const&) = delete;

    /// Sends `req` (retrying per its policy) and stores the final answer in `resp` (all three must stay alive
    /// until completion; `req` receives a generated idempotency key). Completes with {} for a 2xx JSON answer,
    /// the "meld.api" error for HTTP errors, or a client_errc / Asio error. The handler's associated
    /// cancellation slot aborts the call (from any thread); it is never forwarded into another executor.
    MELD_DECL void async_execute(prepared_request& req, raw_response& resp, diagnostics& diag,
                                 boost::asio::any_completion_handler<void(error_code)> handler);

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
