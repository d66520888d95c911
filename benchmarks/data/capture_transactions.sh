#!/bin/sh
# capture_transactions.sh — regenerates benchmarks/data/transactions_100.json (input of bench_decode): the
# local sandbox's answer to a 100-row payment transaction search, captured over plain HTTP with curl.
#
#   benchmarks/data/capture_transactions.sh build/dev/sandbox/meld-sandbox [output=<this dir>/transactions_100.json]
set -eu
sandbox=${1:?usage: $0 path/to/meld-sandbox [output]}
out=${2:-$(dirname "$0")/transactions_100.json}
port=18601
key='W9kZTT7332okCEc1A9aqAq:3sYKoXQv6oHVHSts7G2agw9vTCXz'
url="http://127.0.0.1:$port/payments/transactions?limit=100"

"$sandbox" --plain --port "$port" --seed-transactions 200 >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
tries=0
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do  # any answer: listening
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || { echo "$0: the sandbox does not listen on port $port" >&2; exit 1; }
    sleep 0.05
done
curl -s -f -H "Authorization: BASIC $key" "$url" >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out: $(wc -c <"$out") bytes"
