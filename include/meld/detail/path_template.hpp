// meld/detail/path_template.hpp — compile-time checks of a descriptor's path template against its request type.
//
// `/payments/transactions/{id}`: every {placeholder} must name a request member declared as a path
// parameter, and every path parameter must appear in the template. Violations are compile errors
// (static_assert in meld::operation<Endpoint>).
#ifndef MELD_DETAIL_PATH_TEMPLATE_HPP
#define MELD_DETAIL_PATH_TEMPLATE_HPP

#include <meld/endpoint.hpp>

#include <boost/describe/members.hpp>

#include <array>
#include <string_view>

namespace meld::detail {

template <class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public>;

template <class T>
consteval auto member_names()
{
    return []<template <class...> class L, class... D>(L<D...>) {
        return std::array<std::string_view, sizeof...(D)>{std::string_view(D::name)...};
    }(public_members<T>{});
}

/// Where member `name` of Endpoint's request travels (members not listed in `params` go to the body).
template <class Endpoint>
constexpr param_in location_of(std::string_view name) noexcept
{
    for (auto const& p : Endpoint::params)
        if (p.member == name)
            return p.in;
    return param_in::body;
}

template <class Endpoint>
consteval bool path_template_matches_request()
{
    constexpr std::string_view path = Endpoint::path;
    constexpr auto names = member_names<typename Endpoint::request_type>();
    std::size_t placeholders = 0;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '}')
            return false;  // unbalanced
        if (path[i] != '{')
            continue;
        auto const close = path.find('}', i);
        if (close == std::string_view::npos)
            return false;
        auto const name = path.substr(i + 1, close - i - 1);
        bool found = false;
        for (auto n : names)
            found = found || n == name;
        if (!found || location_of<Endpoint>(name) != param_in::path)
            return false;
        ++placeholders;
        i = close;
    }
    std::size_t path_params = 0;
    for (auto const& p : Endpoint::params)
        path_params += p.in == param_in::path ? 1 : 0;
    return placeholders == path_params;
}

template <class Endpoint>
consteval bool params_name_members()
{
    constexpr auto names = member_names<typename Endpoint::request_type>();
    for (auto const& p : Endpoint::params) {
        bool found = false;
        for (auto n : names)
            found = found || n == p.member;
        if (!found)
            return false;
    }
    return true;
}

}  // namespace meld::detail

#endif
