// tests/standalone/decode_hpp.cpp — <meld/decode.hpp> compiles alone (header-only mode), with a model header.
#include <meld/decode.hpp>
#include <meld/generated/models/crypto.hpp>

meld::crypto::crypto_quote_response decode_quote(std::string_view text) // NOLINT: instantiates the public API
{
    return meld::json::decode<meld::crypto::crypto_quote_response>(text);
}
