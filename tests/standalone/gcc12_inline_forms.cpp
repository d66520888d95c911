// tests/standalone/gcc12_inline_forms.cpp — on gcc 12 the inline forms that would crash must not compile.
//
// gcc 12 destroys an aggregate temporary written inside a co_await expression twice, whatever the API (the
// reproducer below needs no library: any co_await with an aggregate temporary frees it twice under ASan).
// CTest `gcc12_inline_forms_refused` compiles this file with MELD_TRY_INLINE_FORMS and expects each form to
// be refused with the message of detail/coawait_guard.hpp; without the macro it only holds the reproducer.
#include <meld/meld.hpp>

#include <coroutine>
#include <string>

namespace reproducer {
struct task {
    struct promise_type {
        task get_return_object() { return {}; }
        std::suspend_never initial_suspend() { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() {}
    };
};
struct aggregate {
    std::string a{};
};
struct ready {
    bool await_ready() { return true; }
    void await_suspend(std::coroutine_handle<>) {}
    int await_resume() { return 1; }
};
inline ready op(aggregate const&) { return {}; }
// On gcc 12 under ASan: "attempting free on address which was not malloc()-ed" at the end of the statement.
inline task crash() { (void)co_await op({.a = "a string long enough to live on the heap, not in SSO"}); }
}  // namespace reproducer

#ifdef MELD_TRY_INLINE_FORMS
boost::asio::awaitable<void> refused(meld::client& meld)
{
    meld::crypto::quote_request const req{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    meld::diagnostics diag;
    // 1: an inline request
    co_await meld.crypto.quote({.countryCode = "US", .destinationCurrencyCode = "BTC"});
    // 2: inline call_params
    co_await meld.crypto.quote(req, meld::call_params{.meld_version = "2026-02-03"});
    // 3: inline call_params with diagnostics
    co_await meld.crypto.quote(req, {}, diag, boost::asio::as_tuple(boost::asio::use_awaitable));
    // 4: an inline request with deferred
    co_await meld.crypto.quote({.countryCode = "US"}, boost::asio::deferred);
}
#endif
