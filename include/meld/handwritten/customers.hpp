// meld/handwritten/customers.hpp — HAND-WRITTEN descriptors of the two customers operations that Meld's
// virtual-account guide uses but customer-20260203.json does not declare (shared/openapi/README.md "Seed
// endpoints missing"; shared/api/CATALOG.md §2.3.6 and §6.2). Same form as the generated descriptors in
// include/meld/generated/endpoints/customers.hpp; tools/codegen/names.json ("handwritten") lists them, so
// the generated group object exposes them (meld.customers.get, meld.customers.kyc.update) and
// docs/reference.md lists them marked hand-written. If a later spec declares either operation, the
// generator stops with an error: delete the descriptor here and map the spec's operation in names.json.
#ifndef MELD_HANDWRITTEN_CUSTOMERS_HPP
#define MELD_HANDWRITTEN_CUSTOMERS_HPP

#include <meld/endpoint.hpp>
#include <meld/generated/models/customers.hpp>

#include <boost/describe/class.hpp>

#include <array>
#include <string>
#include <string_view>

namespace meld::customers {

/// Hand-written (virtual-account guide: "Poll for KYC Status: GET /accounts/customers/{customerId}").
/// The guide documents no query parameters.
struct get_request {
    std::string customerId{};
};
BOOST_DESCRIBE_STRUCT(get_request, (), (customerId))

}  // namespace meld::customers

namespace meld::endpoints::customers {

// Hand-written, from Meld's virtual-account guide (docs.meld.io/docs/stablecoins/virtual-account-integration/
// virtual-account-guide, "Poll for KYC Status"); CATALOG.md §6.2. Not in customer-20260203.json.
// Answers the customer object (the guide reads serviceProviderCustomers[].kyc.status from it).
struct get {
    static constexpr std::string_view name = "customers.get";
    static constexpr std::string_view operation_id = "";  // no API-reference page, no operationId
    static constexpr meld::http_method method = meld::http_method::get;
    static constexpr std::string_view path = "/accounts/customers/{customerId}";
    using request_type = ::meld::customers::get_request;
    using response_type = ::meld::customers::customer;
    static constexpr std::array<meld::param_location, 1> params{{
        {"customerId", meld::param_in::path, "customerId"},
    }};
    static constexpr meld::endpoint_traits traits{};
};

// Hand-written, from Meld's virtual-account guide (same page, "Initiate KYC": "you can add share providers
// later by calling PATCH /accounts/customers/{customerId}/kyc/initiate"); CATALOG.md §2.3.6 and §6.2. The
// spec declares only POST on this path (customers.kyc.initiate). The guide shows the same body and answer
// as the POST, so the generated kyc_initiate_request / initiate_kyc_response (and their validation rules)
// are reused.
struct kyc_update {
    static constexpr std::string_view name = "customers.kyc.update";
    static constexpr std::string_view operation_id = "";  // no API-reference page, no operationId
    static constexpr meld::http_method method = meld::http_method::patch;
    static constexpr std::string_view path = "/accounts/customers/{customerId}/kyc/initiate";
    using request_type = ::meld::customers::kyc_initiate_request;
    using response_type = ::meld::customers::initiate_kyc_response;
    static constexpr std::array<meld::param_location, 1> params{{
        {"customerId", meld::param_in::path, "customerId"},
    }};
    static constexpr meld::endpoint_traits traits{.has_body = true};
};

}  // namespace meld::endpoints::customers

#endif
