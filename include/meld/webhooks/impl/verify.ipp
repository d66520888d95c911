// meld/webhooks/impl/verify.ipp — HMAC-SHA256 (OpenSSL 3 EVP_MAC), strict base64url, verify() and sign().
#ifndef MELD_WEBHOOKS_IMPL_VERIFY_IPP
#define MELD_WEBHOOKS_IMPL_VERIFY_IPP

#include <meld/timestamp.hpp>
#include <meld/webhooks/verify.hpp>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <iterator>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>

namespace meld::webhooks {
namespace detail {

inline constexpr std::size_t mac_size = 32;  // SHA-256
using mac_bytes = std::array<unsigned char, mac_size>;

/// The HMAC algorithm, fetched once (EVP_MAC_fetch takes a lock and walks the provider store).
inline EVP_MAC* hmac_algorithm() noexcept
{
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    return mac;
}

/// HMAC-SHA256(key, concatenation of parts). False on an OpenSSL failure or an empty key.
inline bool hmac_sha256(std::string_view key, std::initializer_list<std::string_view> parts, mac_bytes& out) noexcept
{
    EVP_MAC* const mac = hmac_algorithm();
    if (!mac || key.empty()) return false;
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac), &EVP_MAC_CTX_free);
    if (!ctx) return false;
    char digest[] = "SHA256";
    OSSL_PARAM const params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx.get(), reinterpret_cast<unsigned char const*>(key.data()), key.size(), params) != 1)
        return false;
    for (std::string_view const part : parts) {
        if (!part.empty() &&
            EVP_MAC_update(ctx.get(), reinterpret_cast<unsigned char const*>(part.data()), part.size()) != 1)
            return false;
    }
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1) return false;
    return len == out.size();
}

inline constexpr char base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url (RFC 4648 §5) WITH '=' padding.
inline std::string base64url_encode(unsigned char const* p, std::size_t n)
{
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        std::uint32_t const v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        for (int s = 18; s >= 0; s -= 6) out += base64url_alphabet[(v >> s) & 63];
    }
    if (n - i == 1) {
        std::uint32_t const v = std::uint32_t{p[i]} << 16;
        out += base64url_alphabet[(v >> 18) & 63];
        out += base64url_alphabet[(v >> 12) & 63];
        out += "==";
    } else if (n - i == 2) {
        std::uint32_t const v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
        out += base64url_alphabet[(v >> 18) & 63];
        out += base64url_alphabet[(v >> 12) & 63];
        out += base64url_alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

inline constexpr int base64url_value(char c) noexcept
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/// Strict decoding of base64url with padding into exactly mac_size bytes: length a multiple of 4, only the
/// url-safe alphabet, '=' only as the final padding, zero unused bits (one canonical text per value).
/// Not constant time: the signature is not secret, only the expected MAC is.
inline bool base64url_decode_mac(std::string_view in, mac_bytes& out) noexcept
{
    constexpr std::size_t encoded = (mac_size + 2) / 3 * 4;  // 44, ending in one '='
    constexpr std::size_t pad = encoded - (mac_size * 4 + 2) / 3;
    if (in.size() != encoded) return false;
    for (std::size_t k = encoded - pad; k < encoded; ++k)
        if (in[k] != '=') return false;
    std::size_t o = 0;
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t k = 0; k < encoded - pad; ++k) {
        int const v = base64url_value(in[k]);
        if (v < 0) return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == out.size()) return false;
            out[o++] = static_cast<unsigned char>((acc >> bits) & 0xFF);
        }
    }
    if (o != out.size()) return false;
    return (acc & ((1u << bits) - 1)) == 0;  // unused low bits of the last character must be zero
}

/// |a - b| <= tolerance without overflow, whatever the two instants.
inline bool within(std::int64_t a_ns, std::int64_t b_ns, std::chrono::nanoseconds tolerance) noexcept
{
    if (tolerance.count() < 0) return false;
    std::uint64_t const diff = a_ns >= b_ns ? static_cast<std::uint64_t>(a_ns) - static_cast<std::uint64_t>(b_ns)
                                            : static_cast<std::uint64_t>(b_ns) - static_cast<std::uint64_t>(a_ns);
    return diff <= static_cast<std::uint64_t>(tolerance.count());
}

}  // namespace detail

inline error_code verify(verify_params const& params, std::string_view signature, std::string_view timestamp,
                         std::string_view body)
{
    if (body.size() > params.max_body_size) return webhook_errc::body_too_large;
    bool has_secret = false;
    for (auto const& s : params.secrets) has_secret = has_secret || !s.empty();
    if (!has_secret) return webhook_errc::no_secret;
    if (signature.empty()) return webhook_errc::missing_signature;
    if (timestamp.empty()) return webhook_errc::missing_timestamp;

    auto const signed_at = meld::timestamp::parse(timestamp);
    if (!signed_at) return webhook_errc::malformed_timestamp;
    auto const signed_ns = signed_at->time_point().time_since_epoch().count();
    auto const now = params.clock ? params.clock() : std::chrono::system_clock::now();
    auto const now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    if (!detail::within(now_ns, signed_ns, params.tolerance)) return webhook_errc::timestamp_out_of_tolerance;

    detail::mac_bytes received{};
    if (!detail::base64url_decode_mac(signature, received)) return webhook_errc::bad_signature_encoding;

    bool match = false;
    for (auto const& secret : params.secrets) {
        if (secret.empty()) continue;
        detail::mac_bytes expected{};
        if (!detail::hmac_sha256(secret, {timestamp, ".", params.url, ".", body}, expected))
            return webhook_errc::hmac_failed;
        // Every secret is tried (no early exit), so timing does not tell which one matched.
        match = (CRYPTO_memcmp(expected.data(), received.data(), expected.size()) == 0) || match;
    }
    return match ? error_code{} : error_code{webhook_errc::signature_mismatch};
}

inline std::string sign(std::string_view secret, std::string_view url, std::string_view timestamp,
                        std::string_view body)
{
    if (secret.empty()) throw std::invalid_argument("meld::webhooks::sign: empty secret");
    detail::mac_bytes mac{};
    if (!detail::hmac_sha256(secret, {timestamp, ".", url, ".", body}, mac))
        throw std::runtime_error("meld::webhooks::sign: HMAC-SHA256 failed");
    return detail::base64url_encode(mac.data(), mac.size());
}

inline std::string signature_timestamp(std::chrono::system_clock::time_point now)
{
    auto const us = std::chrono::floor<std::chrono::microseconds>(now);
    return meld::timestamp(meld::timestamp::time_point_type(us.time_since_epoch())).to_string();
}

}  // namespace meld::webhooks

#endif
