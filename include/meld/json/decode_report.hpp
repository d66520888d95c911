// meld/json/decode_report.hpp — how tolerant decoding is, and what it tolerated.
//
// Meld changes response shapes without a version bump: a value of an unexpected JSON type (a boolean where the
// spec says date-time, an object where it says array) leaves that member empty and decoding goes on. Each
// such event is a decode_warning; strict mode turns the first one into client_errc::decode_failed (for CI).
// Memory is bounded: at most max_warnings are kept (the others are only counted), each raw text is cut at
// max_raw_bytes. Syntax errors, truncated JSON and a top-level value of the wrong kind always fail.
#ifndef MELD_JSON_DECODE_REPORT_HPP
#define MELD_JSON_DECODE_REPORT_HPP

#include <cstddef>
#include <string>
#include <vector>

namespace meld::json {

struct decode_options {
    /// true: the first tolerated mismatch fails the decode with client_errc::decode_failed.
    bool strict = false;
    /// Warnings kept in a decode_report (all are counted).
    std::size_t max_warnings = 32;
};

/// One value that did not fit its member and was left empty.
struct decode_warning {
    std::string path;      ///< JSON pointer (RFC 6901) of the value, e.g. "/quotes/0/rampIntelligence/lowKyc"
    std::string expected;  ///< what the model expects there, e.g. "a boolean", "a date-time string"
    std::string raw;       ///< the value as received (compact JSON), cut at max_raw_bytes ("..." appended)
};

struct decode_report {
    static constexpr std::size_t max_raw_bytes = 64;

    std::vector<decode_warning> warnings;  ///< the first decode_options::max_warnings
    std::size_t total = 0;                 ///< every warning, kept or not

    bool empty() const noexcept { return total == 0; }
    void clear() noexcept
    {
        warnings.clear();
        total = 0;
    }
};

}  // namespace meld::json

#endif
