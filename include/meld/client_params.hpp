// meld/client_params.hpp — configuration aggregates: client_params (per client) and call_params (per call).
//
// Retries (retry_policy.hpp), idempotency keys, logging and per-attempt events (logger.hpp) and the HTTPS
// proxy are set here; docs/retries.md explains their behaviour and defaults.
#ifndef MELD_CLIENT_PARAMS_HPP
#define MELD_CLIENT_PARAMS_HPP

#include <meld/detail/config.hpp>
#include <meld/logger.hpp>
#include <meld/retry_policy.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace meld {

/// Meld's hosted environments (the local emulator is meld::emulator::server, <meld/sandbox/server.hpp>).
inline constexpr std::string_view sandbox = "https://api-sb.meld.io";
inline constexpr std::string_view production = "https://api.meld.io";

struct tls_params {
    /// PEM file / directory of trusted CAs; both empty and no `ca_pem`: the system's default paths.
    std::string ca_file{};
    std::string ca_dir{};
    /// Trusted CA certificates as PEM text (e.g. the local sandbox's generated certificate).
    std::string ca_pem{};
    /// Skip certificate and host-name verification. Refused unless the base URL's host is loopback:
    /// it exists only for a local sandbox whose certificate you do not want to load.
    bool insecure_skip_verify = false;
};

/// An HTTPS proxy reached with `CONNECT host:port` (the tunnel carries TLS to the API host, verified against
/// the API host's name, never the proxy's).
struct proxy_params {
    /// `http://[user:pass@]host[:port]` (port 1080 by default, as curl); credentials go out as Basic proxy
    /// authorization and appear in no message. Empty: no proxy, unless from_environment.
    std::string url{};
    /// With `url` empty, use `HTTPS_PROXY` / `https_proxy` (`http_proxy` for a plain-http base URL) unless the
    /// API host matches `NO_PROXY` / `no_proxy` (comma-separated host names or domain suffixes, `*` for all).
    bool from_environment = false;
};

struct client_params {
    /// Sent as `Authorization: BASIC <api_key>` (the key as issued, not base64). Never logged.
    std::string api_key{};
    /// `scheme://host[:port]` only: no userinfo, path, query or fragment. Plain http only to loopback hosts.
    std::string base_url = std::string(sandbox);
    /// `Meld-Version` header; defaults to the date of the generated models.
    std::string meld_version = models_version;
    /// Resolve + TCP connect + TLS handshake of a new connection.
    std::chrono::milliseconds connect_timeout{10'000};
    /// The whole call: waiting for a pooled connection, every attempt (connect, write, read) and every wait
    /// between attempts. A retry whose wait would end after it is not made.
    std::chrono::milliseconds request_timeout{30'000};
    tls_params tls{};
    /// Most connections open at once (idle + busy); further calls wait for a free one.
    std::size_t pool_size = 16;
    /// Largest response body accepted.
    std::size_t max_response_size = 8 * 1024 * 1024;
    /// Appended to the User-Agent, e.g. "my-wallet/1.4 (+https://example.com)".
    std::string app_info{};
    /// When a failed attempt is tried again (defaults: docs/retries.md).
    retry_policy retry{};
    /// Operations that accept `X-Idempotency-Key` get a random UUID v4 per call when the caller gives none,
    /// the same on every attempt. false: only the caller's keys are sent.
    bool generate_idempotency_keys = true;
    proxy_params proxy{};
    /// Log lines (connections, retries, failures), redacted; unset: nothing is formatted.
    meld::logger logger{};
    /// Called once per attempt, on the thread that runs the call; unset: nothing is collected.
    std::function<void(attempt_event const&)> on_attempt{};
    /// A response value of an unexpected JSON type is left empty with a decode warning (diagnostics, logger);
    /// true: it fails the call with client_errc::decode_failed instead (for CI and tests).
    bool strict_decoding = false;
};

/// Per-call overrides (all optional).
struct call_params {
    std::optional<std::string> meld_version{};
    /// `X-Idempotency-Key` for operations that accept one (ignored by the others).
    std::optional<std::string> idempotency_key{};
    std::optional<std::chrono::milliseconds> request_timeout{};
    /// Replaces client_params::retry for this call (e.g. meld::retry_policy::none()).
    std::optional<retry_policy> retry{};
    /// Replaces client_params::strict_decoding for this call.
    std::optional<bool> strict_decoding{};
};

}  // namespace meld

#endif
