#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, FUZZ_JOBS at once (default: one per core), each
# from its seed corpus; fails on a crash, a leak, a timeout or running out of memory (libFuzzer's
# exit code).
#
#   tests/fuzz/run.sh [BUILD_DIR] [TARGET...]      (tools/build.sh fuzz builds and calls this)
#
# Environment: FUZZ_SECONDS per target (default 40), FUZZ_JOBS targets at once (default: nproc),
# FUZZ_ARTIFACTS (where crashing inputs go; default BUILD_DIR/fuzz-artifacts), FUZZ_KEEP_CORPUS=1
# keeps the grown corpus in BUILD_DIR/fuzz-corpus (it is never written back into tests/fuzz/corpus).
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${1:-$HERE/../../build-fuzz}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(fuzz_smtp_reply fuzz_imap_reply fuzz_pop3_reply fuzz_scenario_script fuzz_certificate
             fuzz_report_reader fuzz_profile_store fuzz_server_hello)
fi
SECONDS_PER_TARGET=${FUZZ_SECONDS:-40}
ARTIFACTS=${FUZZ_ARTIFACTS:-$BUILD_DIR/fuzz-artifacts}
mkdir -p "$ARTIFACTS"

# Leaks are failures; UB already aborts (-fno-sanitize-recover). A Qt warning is not a failure.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_LOGGING_RULES=${QT_LOGGING_RULES:-'*.warning=false'}
export LANG=C LC_ALL=C

# FUZZ_JOBS targets run at once (default: the number of cores): each libFuzzer process uses one
# core, and every target still gets its full FUZZ_SECONDS.
JOBS=${FUZZ_JOBS:-$(nproc)}
RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/mailscope-fuzz-results.XXXXXX")
trap 'rm -rf "$RESULTS"' EXIT

# fuzz_one TARGET: runs it; its summary line goes to $RESULTS/TARGET, its failure to $RESULTS/TARGET.failed
fuzz_one() {
    local target=$1
    local binary=$BUILD_DIR/tests/fuzz/$target
    local seeds=$HERE/corpus/$target
    local work log status runs speed units
    local dict=()
    if [ ! -x "$binary" ]; then
        echo "fuzz: $binary is missing (build with tools/build.sh fuzz)" >&2
        echo "$target(missing)" >"$RESULTS/$target.failed"
        return
    fi
    if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
        work=$BUILD_DIR/fuzz-corpus/$target
        mkdir -p "$work"
    else
        work=$(mktemp -d "${TMPDIR:-/tmp}/mailscope-fuzz-$target.XXXXXX")
    fi
    [ -f "$HERE/dict/$target.dict" ] && dict=(-dict="$HERE/dict/$target.dict")
    log=$ARTIFACTS/$target.log
    echo "==> $target: ${SECONDS_PER_TARGET} s from $(find "$seeds" -type f | wc -l) seeds"
    status=0
    # The first directory receives new inputs; the seeds are only read. Every seed (including the
    # committed regression inputs) runs before fuzzing starts.
    "$binary" "$work" "$seeds" "${dict[@]}" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$target-" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(find "$work" -type f | wc -l)
    [ -z "${FUZZ_KEEP_CORPUS:-}" ] && rm -rf "$work"
    if [ "$status" -ne 0 ]; then
        # One block per failure, written at once so that parallel targets do not interleave.
        { echo "fuzz: $target FAILED (exit $status); last lines of $log:"; tail -40 "$log"; } >&2
        echo "$target" >"$RESULTS/$target.failed"
    fi
    printf '%-22s %s executions, %s exec/s, %s new corpus units, exit %s\n' \
        "$target" "${runs:-?}" "${speed:-?}" "$units" "$status" >"$RESULTS/$target"
}

running=0
for target in "${TARGETS[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
wait

failed=()
summary=()
for target in "${TARGETS[@]}"; do
    [ -f "$RESULTS/$target" ] && summary+=("$(cat "$RESULTS/$target")")
    if [ -f "$RESULTS/$target.failed" ]; then
        failed+=("$(cat "$RESULTS/$target.failed")")
    elif [ ! -f "$RESULTS/$target" ]; then
        failed+=("$target(no result)") # its run stopped before it could report
    fi
done

echo "==> fuzz summary (${SECONDS_PER_TARGET} s per target)"
printf '    %s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: failed: ${failed[*]} (inputs in $ARTIFACTS)" >&2
    exit 1
fi
