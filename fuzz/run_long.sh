#!/usr/bin/env bash
# fuzz/run_long.sh — the documented longer fuzzing run: every libFuzzer target for a total number of executions.
#
#   fuzz/run_long.sh [TOTAL_EXECUTIONS [BUILD_DIR]]      (defaults: 10000000, build/fuzz)
#   JOBS=2        targets run in parallel (default: the number of cores)
#   WORK=dir      scratch directory (default /tmp/meld-fuzz-long-<date>): per target its grown corpus, log and
#                 crash artifacts; the committed seed corpora in fuzz/corpus are only read
#
# Each target gets TOTAL/targets executions (-runs), starting from fuzz/corpus/<corpus> with fuzz/dict/<corpus>.dict.
# A target that crashes is restarted on its grown corpus for the executions left (at most 5 times), so the total
# is reached; every crash is kept in WORK/<corpus>/ and listed. Prints, per target: executions, exec/s, coverage
# (edges and features) at start and end, new corpus units, crashes. Exit status 1 if anything crashed.
# Build first: cmake --preset fuzz && cmake --build --preset fuzz (or any build with MELD_BUILD_FUZZERS=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-10000000}
build=${2:-build/fuzz}
jobs=${JOBS:-$(nproc)}
work=${WORK:-/tmp/meld-fuzz-long-$(date +%Y%m%d-%H%M%S)}
# target:corpus, slowest first (better packing on few cores)
targets=(oneof_fuzz:oneof webhook_fuzz:webhook transactions_fuzz:transactions quote_fuzz:quote classify_fuzz:classify
         webhook_event_fuzz:webhook_event)
per=$(( (total + ${#targets[@]} - 1) / ${#targets[@]} ))
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
for t in "${targets[@]}"; do
  [ -x "$build/fuzz/${t%%:*}" ] || { echo "run_long.sh: $build/fuzz/${t%%:*} not built" >&2; exit 2; }
done
mkdir -p "$work"
echo "meld-cpp fuzzing: ${#targets[@]} targets x $per executions, $jobs in parallel, in $work"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

run_target() {  # target corpus
  local bin=$build/fuzz/$1 c=$2 d=$work/$2 left=$per tries=0 dict=()
  mkdir -p "$d/corpus"
  [ -f "fuzz/dict/$c.dict" ] && dict=(-dict="fuzz/dict/$c.dict")
  local start; start=$(date +%s.%N)
  : > "$d/log"
  while [ "$left" -gt 0 ] && [ "$tries" -lt 6 ]; do
    tries=$((tries + 1))
    "$bin" -runs="$left" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$d/" "${dict[@]}" \
           "$d/corpus" "fuzz/corpus/$c" > "$d/run$tries.log" 2>&1 || true
    cat "$d/run$tries.log" >> "$d/log"
    local done_now
    done_now=$(grep -a 'stat::number_of_executed_units' "$d/run$tries.log" | awk '{print $2}' | tail -1)
    [ -n "$done_now" ] || done_now=$(grep -aoE '^#[0-9]+' "$d/run$tries.log" | tail -1 | tr -d '#')
    [ -n "$done_now" ] || break
    left=$((left - done_now))
    grep -aq 'Test unit written' "$d/run$tries.log" || break
  done
  echo "$(date +%s.%N) $start" > "$d/time"
}

for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "${t%%:*}" "${t##*:}" &
done
wait

status=0
printf '\n%-20s %12s %7s %13s %13s %6s %7s %7s  %s\n' target executions exec/s "cov/ft start" "cov/ft end" new seconds crashes ""
grand=0
for t in "${targets[@]}"; do
  c=${t##*:}
  d=$work/$c
  execs=$(grep -a 'stat::number_of_executed_units' "$d/log" | awk '{s += $2} END {print s + 0}')
  newu=$(grep -a 'stat::new_units_added' "$d/log" | awk '{s += $2} END {print s + 0}')
  init=$(grep -a -m1 'INITED' "$d/log" | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1\/\2/')
  last=$(grep -aE 'cov: [0-9]+ ft: [0-9]+' "$d/log" | tail -1 | sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+).*/\1\/\2/')
  read -r end start < "$d/time"
  secs=$(awk -v a="$end" -v b="$start" 'BEGIN {printf "%.0f", a - b}')
  rate=$(awk -v e="$execs" -v a="$end" -v b="$start" 'BEGIN {printf "%.0f", (a > b ? e / (a - b) : 0)}')
  crashes=$(find "$d" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  [ "$crashes" -eq 0 ] || status=1
  grand=$((grand + execs))
  printf '%-20s %12d %7d %13s %13s %6d %7d %7d  %s\n' "${t%%:*}" "$execs" "$rate" "$init" "$last" "$newu" "$secs" "$crashes" \
         "$( [ "$crashes" -eq 0 ] || find "$d" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | head -3 | tr '\n' ' ')"
done
echo "total executions: $grand; finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
[ "$status" -eq 0 ] && echo "no crash, leak, timeout or out-of-memory" || echo "CRASHES: see the artifacts above and $work/<corpus>/log"
exit "$status"
