// meld/detail/pagination_reflect.hpp — what paging needs from a paginated descriptor, found at compile time.
//
// From Endpoint alone (traits.paginated) and Boost.Describe:
//   * the request's `before`, `after` and `limit` members (std::optional<std::string> / integer);
//   * the response's list: the one described member of type std::optional<std::vector<Row>> whose Row has a
//     `key` member (std::optional<std::string>) — `transactions`, `customers`, `financialAccountTransactions`...;
//   * the response's `remaining` (optional: absent means "ask again until an empty page").
// No per-endpoint code: a descriptor that does not fit fails a static_assert naming the rule.
#ifndef MELD_DETAIL_PAGINATION_REFLECT_HPP
#define MELD_DETAIL_PAGINATION_REFLECT_HPP

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace meld::detail {

template <class T>
struct keyed_list : std::false_type {};

template <class Row>
    requires requires(Row const& r) {
        { r.key } -> std::convertible_to<std::optional<std::string> const&>;
    }
struct keyed_list<std::optional<std::vector<Row>>> : std::true_type {
    using row_type = Row;
};

template <class Response>
struct is_list_member {
    template <class D>
    using fn = keyed_list<std::remove_cvref_t<decltype(std::declval<Response&>().*D::pointer)>>;
};

template <class Response>
using keyed_list_members =
    boost::mp11::mp_copy_if_q<boost::describe::describe_members<Response, boost::describe::mod_public>,
                              is_list_member<Response>>;

template <class Request>
concept cursor_request = requires(Request& r) {
    r.before = std::optional<std::string>{};
    r.after = std::optional<std::string>{};
    r.limit = std::int32_t{};
};

/// A response type paging can walk: exactly one keyed list member.
template <class Response>
concept page_response = boost::describe::has_describe_members<Response>::value &&
                        boost::mp11::mp_size<keyed_list_members<Response>>::value == 1;

template <class Endpoint>
concept paginated_endpoint = Endpoint::traits.paginated && cursor_request<typename Endpoint::request_type> &&
                             page_response<typename Endpoint::response_type>;

template <page_response Response>
struct page_access {
    using descriptor = boost::mp11::mp_front<keyed_list_members<Response>>;
    using list_type = std::remove_cvref_t<decltype(std::declval<Response&>().*descriptor::pointer)>;
    using row_type = typename keyed_list<list_type>::row_type;

    static constexpr char const* list_name() noexcept { return descriptor::name; }
    static list_type& list(Response& r) noexcept { return r.*descriptor::pointer; }
    static list_type const& list(Response const& r) noexcept { return r.*descriptor::pointer; }

    static std::optional<std::int64_t> remaining(Response const& r)
    {
        if constexpr (requires { r.remaining; }) {
            if (r.remaining)
                return static_cast<std::int64_t>(*r.remaining);
        }
        return std::nullopt;
    }
};

}  // namespace meld::detail

#endif
