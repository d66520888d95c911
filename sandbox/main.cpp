// meld-sandbox — run the local Meld sandbox emulator until SIGINT/SIGTERM.
//
//   meld-sandbox [--port N] [--plain] [--api-key K] [--cert-host H] [--latency-ms N] [--bind A]
//                [--seed-transactions N] [--write-cert FILE]
#include <meld/sandbox/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace {

void usage(std::ostream& os) {
    os << "usage: meld-sandbox [options]\n"
          "  --port N               listen on port N (default 0: ephemeral)\n"
          "  --bind ADDRESS         bind address (default 127.0.0.1)\n"
          "  --plain                plain HTTP instead of HTTPS\n"
          "  --api-key KEY          accepted key in `Authorization: BASIC <KEY>`\n"
          "                         (default " << meld::emulator::default_api_key << ")\n"
          "  --cert-host HOST       subjectAltName of the generated certificate (default localhost)\n"
          "  --latency-ms N         added before every answer (default 0)\n"
          "  --seed-transactions N  seeded rows for GET /payments/transactions (default 25)\n"
          "  --write-cert FILE      write the certificate PEM to FILE (clients trust it)\n"
          "  --help                 this text\n";
}

template <class T>
bool parse_number(std::string_view s, T& out) {
    auto const r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
    meld::emulator::server_params params;
    std::string cert_file;
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                std::cerr << "meld-sandbox: " << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        auto bad = [&](std::string_view v) {
            std::cerr << "meld-sandbox: bad value for " << arg << ": " << v << "\n";
            std::exit(2);
        };
        if (arg == "--port") {
            auto v = value();
            if (!parse_number(v, params.port)) bad(v);
        } else if (arg == "--bind") {
            params.bind_address = value();
        } else if (arg == "--plain") {
            params.tls = false;
        } else if (arg == "--api-key") {
            params.api_key = value();
        } else if (arg == "--cert-host") {
            params.certificate_host = value();
        } else if (arg == "--latency-ms") {
            auto v = value();
            long long ms = 0;
            if (!parse_number(v, ms) || ms < 0) bad(v);
            params.latency = std::chrono::milliseconds(ms);
        } else if (arg == "--seed-transactions") {
            auto v = value();
            if (!parse_number(v, params.seed_transactions)) bad(v);
        } else if (arg == "--write-cert") {
            cert_file = value();
        } else if (arg == "--help" || arg == "-h") {
            usage(std::cout);
            return 0;
        } else {
            std::cerr << "meld-sandbox: unknown option " << arg << "\n";
            usage(std::cerr);
            return 2;
        }
    }
    // A long-running service: requests are not kept for inspection.
    params.record_requests = false;

    try {
        boost::asio::io_context ioc;
        meld::emulator::server srv{ioc.get_executor(), params};
        srv.start();
        if (!cert_file.empty()) {
            if (!params.tls) {
                std::cerr << "meld-sandbox: --write-cert ignored with --plain\n";
            } else {
                std::ofstream out{cert_file, std::ios::binary | std::ios::trunc};
                out << srv.certificate_pem();
                if (!out) {
                    std::cerr << "meld-sandbox: cannot write " << cert_file << "\n";
                    return 1;
                }
            }
        }
        boost::asio::signal_set signals{ioc, SIGINT, SIGTERM};
        signals.async_wait([&](boost::system::error_code const& ec, int) {
            if (ec) return;
            srv.stop();
            ioc.stop();
        });
        std::cout << "meld-sandbox listening on " << srv.base_url() << " (api key: " << params.api_key << ")"
                  << std::endl;
        ioc.run();
        std::cout << "meld-sandbox stopped after " << srv.requests_served() << " requests on "
                  << srv.connections_accepted() << " connections" << std::endl;
    } catch (std::exception const& e) {
        std::cerr << "meld-sandbox: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
