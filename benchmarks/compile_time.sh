#!/usr/bin/env bash
# benchmarks/compile_time.sh — what one call costs at compile time: a TU with one `co_await meld.crypto.quote(req)`
# next to the TU of a minimal raw Beast client doing the same round trip (https, boost::json::parse), both with
# g++ -O2 -c, in two modes: header-only (no *_SEPARATE_COMPILATION: Asio, Beast and meld compiled into the TU)
# and separately compiled (BOOST_ASIO/BEAST_SEPARATE_COMPILATION and MELD_SEPARATE_COMPILATION, as the library's
# own builds do). Also <meld/crypto.hpp> (one group) against <meld/meld.hpp> (every group). Prints the best of
# `runs` wall-clock seconds for each TU and the ratios (goal: meld/raw <= 1.5 header-only).
#   benchmarks/compile_time.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meld_body='
boost::asio::awaitable<void> f(meld::client& meld) {
    meld::crypto::quote_request const req{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    auto r = co_await meld.crypto.quote(req);
    (void)r;
}'
printf '#include <meld/crypto.hpp>\n%s\n' "$meld_body" > "$tmp/group.cpp"
printf '#include <meld/meld.hpp>\n%s\n' "$meld_body" > "$tmp/umbrella.cpp"
cat > "$tmp/raw.cpp" <<'EOF'
#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
asio::awaitable<double> f(asio::ssl::context& ctx, std::string host, std::string port, std::string key) {
    auto ex = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(ex);
    beast::ssl_stream<beast::tcp_stream> s(ex, ctx);
    SSL_set_tlsext_host_name(s.native_handle(), host.c_str());
    auto eps = co_await resolver.async_resolve(host, port, asio::use_awaitable);
    co_await beast::get_lowest_layer(s).async_connect(eps, asio::use_awaitable);
    co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    http::request<http::string_body> req{http::verb::post, "/payments/crypto/quote", 11};
    req.set(http::field::host, host);
    req.set(http::field::authorization, "BASIC " + key);
    req.set(http::field::content_type, "application/json");
    req.body() = R"({"countryCode":"US","destinationCurrencyCode":"BTC","sourceAmount":100,"sourceCurrencyCode":"USD"})";
    req.prepare_payload();
    co_await http::async_write(s, req, asio::use_awaitable);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    co_await http::async_read(s, buf, res, asio::use_awaitable);
    auto const v = boost::json::parse(res.body());
    co_return v.at("quotes").at(0).at("destinationAmount").to_number<double>();
}
EOF

common=(-std=c++20 -O2 -Iinclude -c)
separate=(-DMELD_SEPARATE_COMPILATION -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION)
measure() {  # best of $runs, seconds: measure <file> [extra flags...]
  local file=$1 best=
  shift
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    g++ "${common[@]}" "$@" "$file" -o "$tmp/out.o"
    end=$(date +%s.%N)
    best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(a if b=='' or a<float(b) else b)" \
           "$(python3 -c "print($end-$start)")" "$best")
  done
  printf '%.2f' "$best"
}
raw_ho=$(measure "$tmp/raw.cpp")
group_ho=$(measure "$tmp/group.cpp")
umbrella_ho=$(measure "$tmp/umbrella.cpp")
raw_sep=$(measure "$tmp/raw.cpp" "${separate[@]}")
group_sep=$(measure "$tmp/group.cpp" "${separate[@]}")
umbrella_sep=$(measure "$tmp/umbrella.cpp" "${separate[@]}")
echo "g++ -O2 -c, one quote round trip per TU, best of $runs (seconds):"
printf '  %-34s %12s %22s\n' "" "header-only" "separately compiled"
printf '  %-34s %12s %22s\n' "raw Beast client + boost::json" "$raw_ho" "$raw_sep"
printf '  %-34s %12s %22s\n' "#include <meld/crypto.hpp>" "$group_ho" "$group_sep"
printf '  %-34s %12s %22s\n' "#include <meld/meld.hpp>" "$umbrella_ho" "$umbrella_sep"
python3 - "$raw_ho" "$group_ho" "$umbrella_ho" "$raw_sep" "$group_sep" "$umbrella_sep" <<'EOF'
import sys
r, g, u, rs, gs, us = map(float, sys.argv[1:])
print(f"  ratio <meld/crypto.hpp> / raw: {g / r:.2f} header-only (goal <= 1.5), {gs / rs:.2f} separately compiled")
print(f"  ratio <meld/meld.hpp>   / raw: {u / r:.2f} header-only, {us / rs:.2f} separately compiled")
EOF
