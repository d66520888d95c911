#!/usr/bin/env bash
# benchmarks/compile_time.sh — compile-time cost of the umbrella header vs the first slice's group header.
# Compiles two one-call TUs with g++ -O2 (separate-compilation mode, as meld's own builds do) and prints the
# seconds for each and their ratio. Usage: benchmarks/compile_time.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
body='
boost::asio::awaitable<void> f(meld::client& meld) {
    meld::crypto::quote_request const req{.countryCode = "US", .destinationCurrencyCode = "BTC",
                                          .sourceAmount = meld::decimal{"100"}, .sourceCurrencyCode = "USD"};
    auto r = co_await meld.crypto.quote(req);
    (void)r;
}'
printf '#include <meld/crypto.hpp>\n%s\n' "$body" > "$tmp/group.cpp"
printf '#include <meld/meld.hpp>\n%s\n' "$body" > "$tmp/umbrella.cpp"
flags=(-std=c++20 -O2 -Iinclude -DMELD_SEPARATE_COMPILATION -DBOOST_ASIO_SEPARATE_COMPILATION
       -DBOOST_BEAST_SEPARATE_COMPILATION -c)
measure() {  # best of $runs, seconds
  local best=
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    g++ "${flags[@]}" "$1" -o "$tmp/out.o"
    end=$(date +%s.%N)
    best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(a if b=='' or a<float(b) else b)" \
           "$(python3 -c "print($end-$start)")" "$best")
  done
  printf '%.2f' "$best"
}
g=$(measure "$tmp/group.cpp")
u=$(measure "$tmp/umbrella.cpp")
echo "g++ -O2, one call to meld.crypto.quote, best of $runs:"
echo "  #include <meld/crypto.hpp>  ${g} s"
echo "  #include <meld/meld.hpp>    ${u} s"
python3 -c "print(f'  ratio umbrella/group: {$u/$g:.2f} (limit 1.5)')"
