// meld/client.hpp — meld::client: the entry point. One object per API key, on one executor.
//
//   meld::client meld{ioc.get_executor(), {.api_key = key, .base_url = std::string(meld::sandbox)}};
//   auto quotes = co_await meld.crypto.quote({...});
//
// The API groups (meld.crypto, meld.payments, meld.customers, ...) are generated from the OpenAPI specs
// (include/meld/generated/groups/). Calls may be made from any thread, also when the io_context runs on many
// threads, and cancelled (cancellation slot, awaitable operators) from any thread. The client must outlive
// the *initiation* of its calls; in-flight calls keep the connection pool alive until they complete.
#ifndef MELD_CLIENT_HPP
#define MELD_CLIENT_HPP

#include <meld/client_params.hpp>
#include <meld/detail/engine.hpp>
#include <meld/generated/groups/all.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace meld {
namespace detail {
struct engine_holder {
    std::shared_ptr<engine> engine_;
};
}  // namespace detail

class client : private detail::engine_holder, public detail::api_groups {
public:
    using executor_type = boost::asio::any_io_executor;

    /// Throws boost::system::system_error (client_errc::invalid_base_url / insecure_url) for unusable params.
    client(executor_type ex, client_params params)
        : detail::engine_holder{std::make_shared<detail::engine>(std::move(ex), std::move(params))},
          detail::api_groups(*engine_)
    {
    }

    client(client&&) noexcept = default;
    client& operator=(client&&) noexcept = default;
    ~client()
    {
        if (engine_)
            engine_->close_idle();
    }

    executor_type get_executor() const noexcept { return engine_->get_executor(); }
    client_params const& params() const noexcept { return engine_->params(); }
    /// TCP+TLS connections opened so far (fewer than calls made when keep-alive reuse works).
    std::size_t connections_opened() const noexcept { return engine_->connections_opened(); }
};

}  // namespace meld

#endif
