// Integration test: an invalid request never leaves the process — the call completes with
// client_errc::invalid_request (thrown as meld::error naming the field) and the sandbox records nothing.
#include "sandbox_fixture.hpp"

#include <meld/meld.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace asio = boost::asio;
using meld_test::run_coro;
using meld_test::sandbox_fixture;

TEST_CASE("validation e2e: an invalid request completes with invalid_request and sends nothing")
{
    sandbox_fixture sb;
    asio::io_context ioc;
    meld::client meld{ioc.get_executor(), sb.client_params()};
    meld::customers::create_request const req{.dateOfBirth = "15/03/1990", .externalId = "cust-42"};
    try {
        run_coro(ioc, [&]() -> asio::awaitable<void> { co_await meld.customers.create(req); });
        FAIL("expected meld::error");
    } catch (meld::error const& e) {
        CHECK(e.code() == meld::client_errc::invalid_request);
        CHECK(e.status() == 0);
        CHECK(std::string(e.diag().client_message()) ==
              R"([dateOfBirth] must match ^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$)");
    }
    CHECK(sb.server().requests().empty());
}
