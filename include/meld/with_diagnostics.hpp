// meld/with_diagnostics.hpp — completion token adapter: turn (error_code, T) into a meld::error exception.
//
// `meld::with_diagnostics(token)` makes an operation complete with (std::exception_ptr, T): on failure the
// exception is a meld::error carrying the full diagnostics (Meld's error body, or the client's message).
// The default token of every call, meld::default_token_t, is with_diagnostics(asio::use_awaitable), so
// `co_await meld.crypto.quote(req)` returns the response or throws meld::error.
#ifndef MELD_WITH_DIAGNOSTICS_HPP
#define MELD_WITH_DIAGNOSTICS_HPP

#include <meld/detail/handler_forwarding.hpp>
#include <meld/diagnostics.hpp>
#include <meld/exception.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace meld {

template <class Token>
struct with_diagnostics_t {
    Token token{};
};

template <class Token>
constexpr with_diagnostics_t<std::decay_t<Token>> with_diagnostics(Token&& token)
{
    return {std::forward<Token>(token)};
}

/// The default completion token of every meld call: awaitable, throwing meld::error.
using default_token_t = with_diagnostics_t<boost::asio::use_awaitable_t<>>;

namespace detail {

template <class Handler, class T>
struct throwing_handler {
    Handler handler_;
    std::unique_ptr<diagnostics> diag_;

    void operator()(error_code ec, T value)
    {
        if (ec)
            std::move(handler_)(std::make_exception_ptr(meld::error(ec, std::move(*diag_))), T{});
        else
            std::move(handler_)(std::exception_ptr{}, std::move(value));
    }
};

/// Wraps a meld initiation (which has a `diagnostics* diag` member) so that it fills our diagnostics.
template <class Initiation>
struct diag_initiation {
    Initiation init;

    template <class Handler, class... Args>
    void operator()(Handler&& handler, Args&&... args)
    {
        using value_type = typename std::decay_t<Initiation>::value_type;
        auto diag = std::make_unique<diagnostics>();
        init.diag = diag.get();
        std::move(init)(throwing_handler<std::decay_t<Handler>, value_type>{std::forward<Handler>(handler),
                                                                            std::move(diag)},
                        std::forward<Args>(args)...);
    }
};

}  // namespace detail
}  // namespace meld

namespace boost::asio {

template <class Token, class T>
struct async_result<meld::with_diagnostics_t<Token>, void(meld::error_code, T)> {
    template <class Initiation, class RawToken, class... Args>
    static auto initiate(Initiation&& init, RawToken&& token, Args&&... args)
    {
        auto& inner = token.token;  // async_initiate takes the token by lvalue reference
        return boost::asio::async_initiate<Token, void(std::exception_ptr, T)>(
            meld::detail::diag_initiation<std::decay_t<Initiation>>{std::forward<Initiation>(init)}, inner,
            std::forward<Args>(args)...);
    }
};

template <template <class, class> class Associator, class Handler, class T, class DefaultCandidate>
struct associator<Associator, meld::detail::throwing_handler<Handler, T>, DefaultCandidate>
    : meld::detail::forward_associator<Associator, Handler, DefaultCandidate,
                                       meld::detail::throwing_handler<Handler, T>> {};

}  // namespace boost::asio

#endif
