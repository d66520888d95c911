#!/usr/bin/env bash
# scripts/test.sh — build and run every test: gcc (Debug), gcc with ASan+UBSan, clang 14, clang 14 with TSan
# (the unit and integration suites, the multi-thread cancellation stress test among them), and the libFuzzer
# targets of fuzz/ over their seed corpora (clang 14, ASan+UBSan); warnings are errors.
# Installs the Debian packages it needs first (scripts/deps.sh). MELD_TSAN=0 skips the TSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
MELD_WITH_CLANG=1 scripts/deps.sh
# ccache: hash paths relative to the checkout, so a fresh clone elsewhere reuses earlier objects.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
presets=(dev asan clang fuzz)  # fuzz: the libFuzzer targets (clang 14), each run over its seed corpus
[ "${MELD_TSAN:-1}" = 1 ] && presets+=(tsan)
for preset in "${presets[@]}"; do
  echo "=== meld-cpp: workflow '$preset' ==="
  cmake --workflow --preset "$preset"
done
