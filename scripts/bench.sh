#!/usr/bin/env bash
# scripts/bench.sh — meld-cpp's benchmarks in one run (benchmarks/README.md): builds the release preset's
# benchmarks, starts nginx (a server we did not write) under a temporary prefix on two free loopback ports
# (http + https with a fresh self-signed localhost certificate) serving benchmarks/data/quote.json for
# POST /payments/crypto/quote, measures it with wrk, then runs bench_quote (meld vs raw Beast vs libcurl,
# ratios against wrk), bench_decode (when built), bench_pagination and benchmarks/compile_time.sh.
#   scripts/bench.sh [quick]     quick: shorter runs.  MELD_BENCH_BUILD_DIR: build directory (build/release)
# Installs its Debian packages when missing and run as root (otherwise prints the apt-get command and fails).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-full}
case "$mode" in
  full)  calls=20000; rounds=3; wrk_seconds=5; pagination_rows=100000; compile_runs=3 ;;
  quick) calls=3000;  rounds=2; wrk_seconds=2; pagination_rows=20000;  compile_runs=1 ;;
  *) echo "usage: scripts/bench.sh [quick]" >&2; exit 2 ;;
esac
build=${MELD_BENCH_BUILD_DIR:-build/release}

# ---- Debian packages (scripts/deps.sh: the build's and the benchmarks' own) ----------
MELD_EXTRA_PACKAGES="nginx-light wrk nlohmann-json3-dev libcurl4-openssl-dev linux-perf" scripts/deps.sh

# ---- build: the release preset (its own build/release), or the same variables into another directory -----
if [ "$build" = build/release ]; then
  cmake --preset release >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
        -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DMELD_WARNINGS_AS_ERRORS=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        -DMELD_BUILD_BENCHMARKS=ON -DMELD_BUILD_TESTS=OFF -DMELD_BUILD_EXAMPLES=OFF >/dev/null
fi
cmake --build "$build" --target bench_quote
for t in bench_decode bench_pagination; do  # optional: a failed build is reported, its benchmark skipped
  if cmake --build "$build" --target help 2>/dev/null | grep -q "^$t:"; then
    cmake --build "$build" --target "$t" || { echo "bench: $t did not build" >&2; rm -f "$build/benchmarks/$t"; }
  fi
done

# ---- CPU pinning: nginx on core 1, every client on core 0 -------------------------------------------------
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 1); client_cpu=(taskset -c 0); pinning="nginx on core 1, clients on core 0"
else
  server_cpu=(); client_cpu=(); pinning="not pinned (fewer than 2 cores)"
fi

# ---- nginx under a temporary prefix -----------------------------------------------------------------------
body=benchmarks/data/quote.json
[ -f "$body" ] || { mkdir -p benchmarks/data; cp fuzz/corpus/quote/doc-seed002_977ff716 "$body"; }
prefix=$(mktemp -d)
nginx_pid=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$prefix"
}
trap cleanup EXIT
chmod 755 "$prefix"  # nginx's worker (nobody when started as root) reads the served file
read -r http_port https_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$prefix/key.pem" -out "$prefix/cert.pem" \
        2>/dev/null
mkdir -p "$prefix/html/payments/crypto"
cp "$body" "$prefix/html/payments/crypto/quote"
# `return 200 '<body>'` answers the POST from memory; a body nginx cannot quote falls back to the static file
# (POST to a static file is a 405, turned into a 200 with the file's contents).
if grep -q "['\\\$]" "$body"; then
  quote_location="error_page 405 =200 \$uri;"
else
  quote_location="return 200 '$(cat "$body")';"
fi
cat > "$prefix/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $prefix/body; proxy_temp_path $prefix/proxy; fastcgi_temp_path $prefix/fastcgi;
  uwsgi_temp_path $prefix/uwsgi; scgi_temp_path $prefix/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$http_port;
    listen 127.0.0.1:$https_port ssl;
    ssl_certificate $prefix/cert.pem;
    ssl_certificate_key $prefix/key.pem;
    root $prefix/html;
    location = /payments/crypto/quote { default_type application/json; $quote_location }
  }
}
EOF
"${server_cpu[@]}" nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" &
nginx_pid=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break
  sleep 0.1
done
for url in "http://127.0.0.1:$http_port" "https://localhost:$https_port"; do  # byte-identical body, JSON type
  type=$(curl -s --cacert "$prefix/cert.pem" -X POST -H 'Content-Type: application/json' --data '{}' \
              -o "$prefix/answer" -w '%{http_code} %{content_type}' "$url/payments/crypto/quote")
  if [ "$type" != "200 application/json" ] || ! cmp -s "$prefix/answer" "$body"; then
    echo "bench: nginx at $url answers '$type', body differs or missing" >&2; cat "$prefix/error.log" >&2; exit 1
  fi
done
echo "== nginx $(nginx -v 2>&1 | sed 's|.*/||'): http $http_port, https $https_port; $pinning; $(nproc) cores;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- wrk: the same request, $rounds runs per case; the best is passed to bench_quote for its ratios ---------
declare -A wrk
for scheme in https http; do
  port=$([ $scheme = https ] && echo "$https_port" || echo "$http_port")
  for c in 1 64; do
    runs=()
    for _ in $(seq "$rounds"); do
      out=$("${client_cpu[@]}" wrk -t1 -c$c -d${wrk_seconds}s -s benchmarks/wrk_quote.lua \
            "$scheme://localhost:$port/payments/crypto/quote")
      grep -q "Non-2xx\|Socket errors" <<<"$out" && { echo "bench: wrk $scheme -c$c reported errors:" >&2; echo "$out" >&2; }
      runs+=("$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")")
    done
    wrk[$scheme-$c]=$(printf '%s\n' "${runs[@]}" | sort -g | tail -1)
    echo "wrk -t1 -c$c -d${wrk_seconds}s $scheme: ${runs[*]} req/s (best ${wrk[$scheme-$c]})"
  done
done

# ---- the benchmarks ---------------------------------------------------------------------------------------
echo; echo "== $(date -u '+%F %T UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${client_cpu[@]}" "$build/benchmarks/bench_quote" --host 127.0.0.1 --https-port "$https_port" \
  --http-port "$http_port" --ca "$prefix/cert.pem" --calls "$calls" --repeat "$rounds" \
  --wrk-https-1 "${wrk[https-1]}" --wrk-https-64 "${wrk[https-64]}" \
  --wrk-http-1 "${wrk[http-1]}" --wrk-http-64 "${wrk[http-64]}" || status=$?
echo "== load average after bench_quote: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -x "$build/benchmarks/bench_decode" ]; then
  echo; "${client_cpu[@]}" "$build/benchmarks/bench_decode" || status=$?
else
  echo; echo "bench_decode: not built"
fi
if [ -x "$build/benchmarks/bench_pagination" ]; then
  echo; "$build/benchmarks/bench_pagination" "$pagination_rows" || status=$?
fi
echo; benchmarks/compile_time.sh "$compile_runs" || status=$?
exit "${status:-0}"
