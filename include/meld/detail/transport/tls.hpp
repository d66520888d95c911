// meld/detail/transport/tls.hpp — the client's TLS context and plain-language verification failures.
//
// TLS 1.2+, the system's CAs or the configured ones, peer verification with OpenSSL's own host-name check
// (SSL_set1_host / the IP form), so a mismatch is reported as such — naming the expected host and the names
// the certificate carries — instead of "unspecified certificate verification error".
#ifndef MELD_DETAIL_TRANSPORT_TLS_HPP
#define MELD_DETAIL_TRANSPORT_TLS_HPP

#include <meld/client_params.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <string>
#include <string_view>

namespace meld::detail::transport {

inline void configure_tls_context(boost::asio::ssl::context& ctx, tls_params const& p)
{
    namespace ssl = boost::asio::ssl;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (p.insecure_skip_verify) {
        ctx.set_verify_mode(ssl::verify_none);
        return;
    }
    ctx.set_verify_mode(ssl::verify_peer);
    bool custom = false;
    if (!p.ca_pem.empty()) {
        ctx.add_certificate_authority(boost::asio::buffer(p.ca_pem));
        custom = true;
    }
    if (!p.ca_file.empty()) {
        ctx.load_verify_file(p.ca_file);
        custom = true;
    }
    if (!p.ca_dir.empty()) {
        ctx.add_verify_path(p.ca_dir);
        custom = true;
    }
    if (!custom)
        ctx.set_default_verify_paths();
}

/// Sets SNI (host names only) and, when verifying, the name or address the certificate must match.
/// Returns false when OpenSSL refuses the value.
inline bool prepare_tls_session(SSL* ssl, std::string const& host, bool ip_literal, bool verify)
{
    // SSL_set_tlsext_host_name without its C cast (which -Wold-style-cast rejects)
    if (!ip_literal &&
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str())) != 1)
        return false;
    if (!verify)
        return true;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                      : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

/// The DNS and IP names of a certificate's subjectAltName, comma-separated (at most ~200 characters).
inline std::string certificate_names(X509* cert)
{
    std::string out;
    if (cert == nullptr)
        return out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr)
        return out;
    int const n = sk_GENERAL_NAME_num(names);
    for (int i = 0; i < n && out.size() < 200; ++i) {
        GENERAL_NAME const* gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type == GEN_DNS) {
            auto const* s = gn->d.dNSName;
            if (!out.empty())
                out += ", ";
            out.append(reinterpret_cast<char const*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
        } else if (gn->type == GEN_IPADD) {
            auto const* s = gn->d.iPAddress;
            int const len = ASN1_STRING_length(s);
            unsigned char const* b = ASN1_STRING_get0_data(s);
            if (!out.empty())
                out += ", ";
            if (len == 4) {
                for (int k = 0; k < 4; ++k)
                    out += (k != 0 ? "." : "") + std::to_string(b[k]);
            } else {
                out += "(IPv6 address)";
            }
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

/// A sentence for a failed verification, e.g. "the certificate of localhost:8443 is not valid for the host
/// name 'api.example' (it names: localhost)".
inline std::string verification_message(long result, std::string_view host, std::string_view endpoint,
                                        std::string_view cert_names)
{
    if (result == X509_V_ERR_HOSTNAME_MISMATCH || result == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        std::string m = "TLS certificate of " + std::string(endpoint) + " does not match the expected host name '" +
                        std::string(host) + "'";
        if (!cert_names.empty())
            m += " (the certificate is for: " + std::string(cert_names) + ")";
        return m;
    }
    return "TLS certificate of " + std::string(endpoint) + " did not verify (" +
           X509_verify_cert_error_string(result) + ")";
}

}  // namespace meld::detail::transport

#endif
