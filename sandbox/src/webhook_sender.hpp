// sandbox/src/webhook_sender.hpp — the sandbox's webhook deliveries (internal, not installed).
//
// Routes call schedule() from their handlers (under the API mutex): it only copies the steps and spawns a
// coroutine on the server's executor, so no handler ever waits on a delivery. For each step, after
// server_params::webhook_step, the coroutine applies the state change (under the API mutex), asks the routes
// for the targets subscribed to the event type (server_params::webhook_url and/or the webhook profiles), and
// POSTs the envelope (CATALOG §3.1) to each target, signed with meld::webhooks::sign over
// "<timestamp>.<registered url>.<raw body>". A target that does not answer 2xx is retried with exponential
// backoff (same eventId) up to server_params::webhook_max_attempts; the steps of one sequence are delivered in
// order (the next state change waits until the previous event was delivered or given up on).
#ifndef MELD_SANDBOX_SRC_WEBHOOK_SENDER_HPP
#define MELD_SANDBOX_SRC_WEBHOOK_SENDER_HPP

#include <meld/sandbox/server.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meld::emulator::detail {

/// Where one event goes.
struct webhook_target {
    std::string url;     ///< the registered URL: signed, and the request goes there
    std::string secret;  ///< HMAC key
    std::optional<std::string> profile_id{};  ///< envelope profileId (null for server_params::webhook_url)
    std::string version = "2025-03-01";       ///< envelope version
};

/// One simulated state change and the event announcing it.
struct webhook_step {
    std::string event_type;
    std::string payload_json;          ///< the payload object's JSON text
    std::function<void()> apply{};     ///< the state change, run under the API mutex before the event is sent
    std::optional<std::vector<webhook_target>> targets{};  ///< explicit targets (e.g. a profile's test)
    bool immediate = false;            ///< send without waiting webhook_step first
};

class webhook_sender {
public:
    using targets_fn = std::function<std::vector<webhook_target>(std::string_view event_type)>;

    explicit webhook_sender(server_params const& params);
    ~webhook_sender();
    webhook_sender(webhook_sender const&) = delete;
    webhook_sender& operator=(webhook_sender const&) = delete;

    /// The API's mutex and its subscribed-targets look-up (called under that mutex). Set once, before attach.
    void connect(std::mutex& api_mutex, targets_fn targets);
    /// Deliveries run on `ex`. Events scheduled before attach() (or after stop()) are dropped.
    void attach(boost::asio::any_io_executor ex);
    /// Stops every delivery (pending timers and connections are cancelled). After it returns, no state
    /// change is applied any more. Idempotent, thread-safe.
    void stop();

    /// True when events may be delivered at all (a configured URL, or profiles honoured).
    bool enabled() const;
    /// Runs the steps one after the other on the executor. Never blocks; bounded (see max_sequences).
    void schedule(std::vector<webhook_step> steps);

    /// The configured target (server_params::webhook_url/webhook_secret), if any.
    std::optional<webhook_target> configured_target() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace meld::emulator::detail

#endif
