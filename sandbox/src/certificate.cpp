// sandbox/src/certificate.cpp — the self-signed certificate generated at start-up (OpenSSL 3 EVP APIs).
#include "detail.hpp"

#include <boost/asio/ip/address.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace meld::emulator::detail {

namespace {

template <class T, void (*Free)(T*)>
struct openssl_deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509, X509_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BIGNUM, BN_free>>;

void bio_free_all(BIO* b) { BIO_free_all(b); }
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO, bio_free_all>>;

[[noreturn]] void fail(char const* what) {
    throw std::runtime_error(std::string("meld-sandbox: certificate generation failed: ") + what);
}

void check(int rc, char const* what) {
    if (rc <= 0) fail(what);
}

std::string bio_to_string(BIO* bio) {
    std::string out(BIO_ctrl_pending(bio), '\0');
    if (!out.empty() && BIO_read(bio, out.data(), static_cast<int>(out.size())) != static_cast<int>(out.size()))
        fail("BIO_read");
    return out;
}

void add_extension(X509* cert, int nid, char const* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ext_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
    if (!ext) fail("X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

}  // namespace

certificate make_self_signed_certificate(std::string const& host) {
    pkey_ptr key{EVP_EC_gen("P-256")};
    if (!key) fail("EVP_EC_gen(P-256)");

    x509_ptr cert{X509_new()};
    if (!cert) fail("X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");

    // 128-bit random positive serial number.
    bn_ptr serial{BN_new()};
    if (!serial) fail("BN_new");
    check(BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
    if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) fail("BN_to_ASN1_INTEGER");

    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600)) fail("notBefore");
    if (!X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600)) fail("notAfter");
    check(X509_set_pubkey(cert.get(), key.get()), "X509_set_pubkey");

    X509_NAME* name = X509_get_subject_name(cert.get());
    auto const* cn = reinterpret_cast<unsigned char const*>(host.c_str());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<unsigned char const*>("meld-sandbox"),
                                     -1, -1, 0),
          "subject O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0), "subject CN");
    check(X509_set_issuer_name(cert.get(), name), "X509_set_issuer_name");

    // The host is the only subjectAltName: DNS for a name, IP for an address literal.
    boost::system::error_code ec;
    auto const address = boost::asio::ip::make_address(host, ec);
    std::string const san = (ec ? "DNS:" : "IP:") + (ec ? host : address.to_string());
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    add_extension(cert.get(), NID_subject_alt_name, san.c_str());

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("X509_sign");

    bio_ptr cert_bio{BIO_new(BIO_s_mem())};
    bio_ptr key_bio{BIO_new(BIO_s_mem())};
    if (!cert_bio || !key_bio) fail("BIO_new");
    check(PEM_write_bio_X509(cert_bio.get(), cert.get()), "PEM_write_bio_X509");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
          "PEM_write_bio_PrivateKey");
    return {bio_to_string(cert_bio.get()), bio_to_string(key_bio.get())};
}

}  // namespace meld::emulator::detail
