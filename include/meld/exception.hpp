// meld/exception.hpp — meld::error, the exception thrown by the throwing (default) form of every call.
//
// A boost::system::system_error whose code() is the call's error_code and which carries the full
// diagnostics (Meld's error body or the client's message). what() never contains the API key.
#ifndef MELD_EXCEPTION_HPP
#define MELD_EXCEPTION_HPP

#include <meld/diagnostics.hpp>
#include <meld/error.hpp>

#include <boost/system/system_error.hpp>

#include <utility>

namespace meld {

class error : public boost::system::system_error {
public:
    error(error_code ec, diagnostics diag)
        : boost::system::system_error(ec, diag.summary()), diag_(std::move(diag))
    {
    }

    diagnostics const& diag() const noexcept { return diag_; }
    /// HTTP status of the answer; 0 for client-side failures.
    unsigned status() const noexcept { return diag_.http_status(); }
    /// Meld's error category (`code` or `error`), e.g. "BAD_REQUEST"; empty for client-side failures.
    std::string_view api_code() const noexcept { return diag_.code(); }
    std::string_view request_id() const noexcept { return diag_.request_id(); }

private:
    diagnostics diag_;
};

}  // namespace meld

#endif
