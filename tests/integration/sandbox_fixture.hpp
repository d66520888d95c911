// tests/integration/sandbox_fixture.hpp — a local sandbox on its own thread + helpers to run client coroutines.
#ifndef MELD_TESTS_SANDBOX_FIXTURE_HPP
#define MELD_TESTS_SANDBOX_FIXTURE_HPP

#include <meld/client_params.hpp>
#include <meld/exception.hpp>
#include <meld/sandbox/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <utility>

namespace meld_test {

/// The sandbox runs on its own io_context and thread, as a remote server would.
class sandbox_fixture {
public:
    explicit sandbox_fixture(meld::emulator::server_params p = {})
        : work_(server_ioc_.get_executor()), server_(server_ioc_.get_executor(), std::move(p))
    {
        server_.start();
        thread_ = std::thread([this] { server_ioc_.run(); });
    }
    ~sandbox_fixture()
    {
        server_.stop();
        work_.reset();
        server_ioc_.stop();
        thread_.join();
    }
    sandbox_fixture(sandbox_fixture const&) = delete;
    sandbox_fixture& operator=(sandbox_fixture const&) = delete;

    meld::emulator::server& server() { return server_; }

    /// Client parameters that trust the sandbox's generated certificate.
    meld::client_params client_params() const
    {
        meld::client_params p;
        p.api_key = server_.params().api_key;
        p.base_url = server_.base_url();
        p.tls.ca_pem = server_.certificate_pem();
        return p;
    }

private:
    boost::asio::io_context server_ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    meld::emulator::server server_;
    std::thread thread_;
};

/// Runs `fn()` (returning an awaitable) to completion on `ioc` and rethrows what it threw.
template <class F>
auto run_coro(boost::asio::io_context& ioc, F&& fn)
{
    auto fut = boost::asio::co_spawn(ioc, std::forward<F>(fn), boost::asio::use_future);
    ioc.run();
    ioc.restart();
    return fut.get();
}

/// Runs one call — `f` returns the operation's awaitable, e.g. `[&] { return meld.customers.create(req); }`.
template <class F>
auto call(boost::asio::io_context& ioc, F&& f)
{
    return run_coro(ioc, std::forward<F>(f));
}

/// Runs one call that must fail with meld::error; returns (error code, Meld's error code).
template <class F>
std::pair<meld::error_code, std::string> call_error(boost::asio::io_context& ioc, F&& f)
{
    try {
        run_coro(ioc, std::forward<F>(f));
    } catch (meld::error const& e) {
        return {e.code(), std::string(e.api_code())};
    }
    FAIL("expected meld::error");
    return {};
}

}  // namespace meld_test

#endif
