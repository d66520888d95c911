#!/usr/bin/env bash
# scripts/demo.sh — build the demo and run it against the bundled local sandbox (quote -> widget session ->
# transaction lookup). Installs the Debian packages it needs first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target cpp20_demo
exec build/release/examples/cpp20_demo --local "$@"
