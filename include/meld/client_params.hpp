// meld/client_params.hpp — configuration aggregates: client_params (per client) and call_params (per call).
#ifndef MELD_CLIENT_PARAMS_HPP
#define MELD_CLIENT_PARAMS_HPP

#include <meld/detail/config.hpp>

#include <chrono>
#include <cstddef>
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

struct client_params {
    /// Sent as `Authorization: BASIC <api_key>` (the key as issued, not base64). Never logged.
    std::string api_key{};
    /// `scheme://host[:port]` only: no userinfo, path, query or fragment. Plain http only to loopback hosts.
    std::string base_url = std::string(sandbox);
    /// `Meld-Version` header; defaults to the date of the generated models.
    std::string meld_version = models_version;
    /// Resolve + TCP connect + TLS handshake of a new connection.
    std::chrono::milliseconds connect_timeout{10'000};
    /// The whole call: waiting for a pooled connection, connecting, writing and reading the answer.
    std::chrono::milliseconds request_timeout{30'000};
    tls_params tls{};
    /// Most connections open at once (idle + busy); further calls wait for a free one.
    std::size_t pool_size = 16;
    /// Largest response body accepted.
    std::size_t max_response_size = 8 * 1024 * 1024;
    /// Appended to the User-Agent, e.g. "my-wallet/1.4 (+https://example.com)".
    std::string app_info{};
};

/// Per-call overrides (all optional).
struct call_params {
    std::optional<std::string> meld_version{};
    /// `X-Idempotency-Key` for operations that accept one (ignored by the others).
    std::optional<std::string> idempotency_key{};
    std::optional<std::chrono::milliseconds> request_timeout{};
};

}  // namespace meld

#endif
