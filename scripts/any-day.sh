#!/usr/bin/env bash
# Runs the built test suite at instants where a date-dependent test would break:
# the 1st of a month before and after the monthly report is out (00:01:02 UTC),
# the 2nd, the 15th, the 31st, 28 and 29 February of a leap year, 1 March after
# it, and 31 December just before midnight. Says which tests fail at which instant;
# exits 1 if any did.
#
#   swift build --build-tests && scripts/any-day.sh
#   scripts/any-day.sh --filter TrustModelTests     # any `swift test` options
#
# The wall clock is moved by an offset from now, not set to the instant: a clock set
# to an instant would start anew in each process, so a simulator and its client
# started a minute apart would disagree. scripts/wallclock.c (compiled here with cc,
# loaded with LD_PRELOAD) moves the wall clock alone; the monotonic clocks, and every
# timeout, sleep and timer built on them, keep their real length. It travels in the
# environment (LD_PRELOAD, WALLCLOCK_OFFSET), so every child a test starts is on the
# moved clock too, unless the test builds a child's environment from scratch (none
# may). libfaketime is not used: see scripts/wallclock.c for why.
set -uo pipefail
cd "$(dirname "$0")/.."
[[ -d .build/debug ]] || { echo "any-day: build the tests first: swift build --build-tests" >&2; exit 1; }
logs=$(mktemp -d)
cc -shared -fPIC -O2 -Wall -Wno-nonnull-compare -o "$logs/wallclock.so" scripts/wallclock.c -ldl \
    || { echo "any-day: cannot compile scripts/wallclock.c (needs cc)" >&2; exit 1; }
# The release binary ReleaseBinaryTests checks, built on the real clock first.
swift build -c release --product provider-explorer --scratch-path .build-release-test >/dev/null \
    || { echo "any-day: the release build failed" >&2; exit 1; }

instants=(
    2027-02-01T00:00:30Z   # the 1st, before the month's report is out
    2027-02-01T00:02:30Z   # the 1st, after it
    2026-12-02T12:00:00Z   # the 2nd
    2027-01-15T09:30:00Z   # the 15th
    2027-01-31T23:30:00Z   # the 31st
    2028-02-28T12:00:00Z   # 28 February of a leap year
    2028-02-29T12:00:00Z   # 29 February
    2028-03-01T06:00:00Z   # 1 March after it
    2026-12-31T23:58:00Z   # 31 December, two minutes to midnight
)
failed=0
for instant in "${instants[@]}"; do
    offset=$(( $(date -u -d "$instant" +%s) - $(date -u +%s) ))
    log="$logs/$instant.log"
    start=$SECONDS
    LD_PRELOAD="$logs/wallclock.so" WALLCLOCK_OFFSET="$offset" swift test --skip-build "$@" >"$log" 2>&1
    status=$?
    # Swift Testing's "✘ Test name() failed" and XCTest's "error: -[Suite test] : failed".
    failures=$(grep -E '^✘ Test .* failed|error: .*: failed' "$log" | sed -E 's/^✘ Test ([^ ]+).*/\1/' | sort -u)
    if [[ $status -ne 0 || -n "$failures" ]]; then
        failed=1
        echo "FAIL $instant ($((SECONDS - start)) s, exit $status): ${failures:-see $log}" | tr '\n' ' '
        echo
    else
        echo "ok   $instant ($((SECONDS - start)) s): $(grep -E 'Test run with [0-9]+ tests' "$log" | tail -1)"
    fi
done
if (( failed )); then echo "any-day: failures above; logs in $logs" >&2; exit 1; fi
rm -rf "$logs"
echo "any-day: every instant passed"
