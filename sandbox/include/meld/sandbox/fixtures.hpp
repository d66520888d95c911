// meld/sandbox/fixtures.hpp — the JSON text fixtures the sandbox answers with, embedded verbatim.
//
// The fixtures come from Meld's documentation examples (see sandbox/README.md). Some are templates with
// `"{{name}}"` placeholders that the sandbox fills in per request. SDK tests may use them directly, e.g. to
// decode the exact documented text without a socket.
#ifndef MELD_SANDBOX_FIXTURES_HPP
#define MELD_SANDBOX_FIXTURES_HPP

#include <string_view>
#include <vector>

namespace meld::emulator {

/// Text of fixture `name` (file name without `.json`, e.g. "crypto_quote"). Throws std::out_of_range.
std::string_view fixture(std::string_view name);

/// Names of every embedded fixture, sorted.
std::vector<std::string_view> fixture_names();

}  // namespace meld::emulator

#endif
