#!/usr/bin/env bash
# scripts/deps.sh — make sure the Debian 12 packages meld-cpp builds with are installed.
# Installs what is missing when run as root (apt-get); otherwise prints the exact command and fails.
# MELD_WITH_CLANG=1 adds clang 14; MELD_EXTRA_PACKAGES="a b" adds others (scripts/bench.sh's).
set -euo pipefail
packages=(g++ cmake ninja-build ccache python3 libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libssl-dev catch2 libcurl4-openssl-dev)
[ "${MELD_WITH_CLANG:-0}" = 1 ] && packages+=(clang-14 libclang-rt-14-dev)
read -r -a extra <<<"${MELD_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "meld-cpp: missing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "meld-cpp: installed ${missing[*]}" >&2
else
  echo "meld-cpp: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
