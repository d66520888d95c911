// meld/detail/coawait_guard.hpp — gcc 12 and aggregate temporaries inside co_await.
//
// gcc 12 (Debian 12's compiler) destroys an aggregate temporary written inside a co_await expression twice
// (fixed in gcc 13; clang is not affected): `co_await meld.crypto.quote({...})` and
// `co_await op(req, meld::call_params{...})` free the same memory twice. It happens for any aggregate with a
// non-trivial destructor, whatever the parameter type (by value, const&, &&) and whatever the awaitable — no
// API shape can make it safe (tests/standalone/gcc12_inline_forms.cpp shows the reproducer). So on gcc 12 the
// forms that would crash do not compile: a request or call_params passed as an rvalue together with a
// completion token that can be co_awaited (use_awaitable, the default, deferred, and their as_tuple /
// redirect_error / with_diagnostics / bind_* wrappers). Rvalues with other tokens (callbacks, use_future)
// are fine, and so are the paging generators' inline page_params (pages()/items() are not co_awaited).
#ifndef MELD_DETAIL_COAWAIT_GUARD_HPP
#define MELD_DETAIL_COAWAIT_GUARD_HPP

#include <meld/with_diagnostics.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define MELD_GCC_COAWAIT_TEMPORARY_BUG 1
#else
#define MELD_GCC_COAWAIT_TEMPORARY_BUG 0
#endif

#define MELD_GCC12_INLINE_MESSAGE                                                                                   \
    "gcc 12 destroys an aggregate temporary written inside a co_await expression twice (a compiler bug, fixed "   \
    "in gcc 13): on gcc 12, name the request and the call_params before co_await, e.g. "                          \
    "`meld::crypto::quote_request const req{...}; co_await meld.crypto.quote(req);` — see README, 'gcc 12'"

namespace meld::detail {

/// True for completion tokens whose result can be co_awaited.
template <class T>
struct awaitable_token : std::false_type {};
template <class E>
struct awaitable_token<boost::asio::use_awaitable_t<E>> : std::true_type {};
template <>
struct awaitable_token<boost::asio::deferred_t> : std::true_type {};
template <class T>
struct awaitable_token<boost::asio::as_tuple_t<T>> : awaitable_token<T> {};
template <class T>
struct awaitable_token<boost::asio::redirect_error_t<T>> : awaitable_token<T> {};
template <class T>
struct awaitable_token<with_diagnostics_t<T>> : awaitable_token<T> {};
template <class T, class E>
struct awaitable_token<boost::asio::executor_binder<T, E>> : awaitable_token<T> {};
template <class T, class S>
struct awaitable_token<boost::asio::cancellation_slot_binder<T, S>> : awaitable_token<T> {};

/// May an aggregate argument be an rvalue with this token? Always, except on gcc 12 with a co_await-able token.
template <class Token>
inline constexpr bool rvalue_aggregate_ok =
    !MELD_GCC_COAWAIT_TEMPORARY_BUG || !awaitable_token<std::decay_t<Token>>::value;

}  // namespace meld::detail

#endif
