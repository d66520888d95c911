// meld/detail/handler_forwarding.hpp — make a wrapper handler expose its inner handler's associated
// executor, allocator and cancellation slot (so cancellation and executors survive our adapters).
//
// A wrapper W holding the user's handler in a member reachable by `inner_handler(w)` specializes
// boost::asio::associator<Associator, W, Default> by deriving from forward_associator<...>.
#ifndef MELD_DETAIL_HANDLER_FORWARDING_HPP
#define MELD_DETAIL_HANDLER_FORWARDING_HPP

#include <boost/asio/associator.hpp>

namespace meld::detail {

template <class W>
auto const& inner_handler(W const& w) noexcept
{
    if constexpr (requires { w.handler_; })
        return w.handler_;
    else
        return w.st_->handler;
}

template <template <class, class> class Associator, class Handler, class DefaultCandidate, class Wrapper>
struct forward_associator : Associator<Handler, DefaultCandidate> {
    static typename Associator<Handler, DefaultCandidate>::type get(Wrapper const& w) noexcept
    {
        return Associator<Handler, DefaultCandidate>::get(inner_handler(w));
    }
    static auto get(Wrapper const& w, DefaultCandidate const& c) noexcept
        -> decltype(Associator<Handler, DefaultCandidate>::get(inner_handler(w), c))
    {
        return Associator<Handler, DefaultCandidate>::get(inner_handler(w), c);
    }
};

}  // namespace meld::detail

#endif
