// meld-sandbox — run the local Meld sandbox emulator until SIGINT/SIGTERM.
//
//   meld-sandbox [--port N] [--plain] [--api-key K] [--cert-host H] [--latency-ms N] [--bind A] [--no-idempotency]
//                [--seed-all N] [--seed NAME=N ...] [--webhook-url URL [--webhook-secret S]]
//                [--webhook-profiles] [--webhook-step-ms N] [--webhook-ca FILE] [--write-cert FILE]
#include <meld/sandbox/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
          "  --no-idempotency       ignore X-Idempotency-Key (default: replay the first answer, 425 while in flight)\n"
          "  --seed-all N           seeded rows of every paginated search\n"
          "  --seed NAME=N          seeded rows of one search (repeatable; wins over --seed-all), NAME one of\n"
          "                         payment_transactions (default 25), customers (3), webhook_profiles (0),\n"
          "                         connections (3), accounts (2), bank_transactions (180),\n"
          "                         investment_holdings (2), investment_transactions (2), institutions (12)\n"
          "  --seed-transactions N  the same as --seed payment_transactions=N\n"
          "  --webhook-url URL      POST every simulated state change there as a signed event\n"
          "  --webhook-secret S     HMAC key of --webhook-url's deliveries (default: unsigned)\n"
          "  --webhook-profiles     also deliver to the ACTIVE profiles created with POST /notifications/webhooks\n"
          "  --webhook-step-ms N    delay between simulated state changes (default 1000)\n"
          "  --webhook-ca FILE      trusted CA(s), PEM, for https webhook targets (default: the system's)\n"
          "  --write-cert FILE      write the certificate PEM to FILE (clients trust it)\n"
          "  --help                 this text\n";
}

/// The member of seed_sizes called `name`, or nullptr.
std::size_t* seed_member(meld::emulator::seed_sizes& s, std::string_view name) {
    std::pair<std::string_view, std::size_t*> const members[] = {
        {"payment_transactions", &s.payment_transactions}, {"customers", &s.customers},
        {"webhook_profiles", &s.webhook_profiles},         {"connections", &s.connections},
        {"accounts", &s.accounts},                         {"bank_transactions", &s.bank_transactions},
        {"investment_holdings", &s.investment_holdings},   {"investment_transactions", &s.investment_transactions},
        {"institutions", &s.institutions}};
    for (auto const& [n, p] : members)
        if (n == name) return p;
    return nullptr;
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
    std::vector<std::pair<std::string_view, std::size_t>> seed_overrides;  // --seed NAME=N
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
        } else if (arg == "--no-idempotency") {
            params.idempotency = false;
        } else if (arg == "--seed-transactions") {
            auto v = value();
            std::size_t n = 0;
            if (!parse_number(v, n)) bad(v);
            seed_overrides.emplace_back("payment_transactions", n);
        } else if (arg == "--seed-all") {
            auto v = value();
            std::size_t n = 0;
            if (!parse_number(v, n)) bad(v);
            params.seed = meld::emulator::seed_sizes::uniform(n);
        } else if (arg == "--seed") {  // checked now, applied after every --seed-all
            auto v = value();
            auto const eq = v.find('=');
            meld::emulator::seed_sizes probe;
            auto* member = eq == std::string_view::npos ? nullptr : seed_member(probe, v.substr(0, eq));
            if (!member || !parse_number(v.substr(eq + 1), *member)) bad(v);
            seed_overrides.emplace_back(v.substr(0, eq), *member);
        } else if (arg == "--webhook-url") {
            auto v = value();
            if (!v.starts_with("http://") && !v.starts_with("https://")) bad(v);
            params.webhook_url = v;
        } else if (arg == "--webhook-secret") {
            params.webhook_secret = value();
        } else if (arg == "--webhook-profiles") {
            params.webhook_profiles = true;
        } else if (arg == "--webhook-step-ms") {
            auto v = value();
            long long ms = 0;
            if (!parse_number(v, ms) || ms < 0) bad(v);
            params.webhook_step = std::chrono::milliseconds(ms);
        } else if (arg == "--webhook-ca") {
            auto v = value();
            std::ifstream in{std::string(v), std::ios::binary};
            std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            if (!in.good() && !in.eof()) bad(v);
            if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) bad(v);
            params.webhook_ca_pem = std::move(pem);
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
    for (auto const& [name, n] : seed_overrides)
        *seed_member(params.seed, name) = n;
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
