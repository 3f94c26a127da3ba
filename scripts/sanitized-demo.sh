#!/usr/bin/env bash
# Builds the real binary with a sanitizer and drives the demo under tmux: start, a
# full sync, filters, search, the tier matrix, help, a period change, monthly mode,
# a resize mid-sync, the billing and changes views, copy, an export, the PSA view
# (a drill, months, an apply with a resize and keys while it lands), and q. Fails on any sanitizer report or a non-zero exit.
#
#   scripts/sanitized-demo.sh address     # AddressSanitizer (+ stack-use-after-return)
#   scripts/sanitized-demo.sh thread      # ThreadSanitizer
#   PROVIDER_EXPLORER_DEMO_ORGS=6000 scripts/sanitized-demo.sh thread
#                                         # reports big enough to be read behind the first screenful
set -euo pipefail
kind=${1:?usage: scripts/sanitized-demo.sh address|thread}
case "$kind" in address|thread) ;; *) echo "usage: scripts/sanitized-demo.sh address|thread" >&2; exit 64 ;; esac
cd "$(dirname "$0")/.."
scratch=".build-$kind"
swift build --product provider-explorer -Xswiftc "-sanitize=$kind" --scratch-path "$scratch" >&2
binary="$PWD/$scratch/debug/provider-explorer"
work=$(mktemp -d)
socket="pe-sanitize-$kind-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
report="$work/report"
export ASAN_OPTIONS="detect_stack_use_after_return=1:abort_on_error=0:log_path=$report"
export TSAN_OPTIONS="log_path=$report:halt_on_error=0"
tmux -L "$socket" new-session -d -x 120 -y 40 \
  "env XDG_CACHE_HOME=$work/cache XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config NORDPASS_PROVIDER_CREDENTIALS= PROVIDER_EXPLORER_DEMO_ORGS=${PROVIDER_EXPLORER_DEMO_ORGS:-240} $binary; echo \"exit \$?\" > $work/status; sleep 30"
screen() { tmux -L "$socket" capture-pane -p; }
wait_for() { # text, seconds
  local deadline=$((SECONDS + $2))
  until screen | grep -q -- "$1"; do
    if (( SECONDS > deadline )); then echo "timed out waiting for: $1" >&2; screen >&2; exit 1; fi
    sleep 0.2
  done
}
wait_gone() { # text, seconds
  local deadline=$((SECONDS + $2))
  while screen | grep -q -- "$1"; do
    if (( SECONDS > deadline )); then echo "still on screen: $1" >&2; screen >&2; exit 1; fi
    sleep 0.2
  done
}
keys() { tmux -L "$socket" send-keys "$@"; sleep 0.4; }
wait_for "DEMO" 60
tmux -L "$socket" resize-window -x 90 -y 30 2>/dev/null || true
sleep 0.5
tmux -L "$socket" resize-window -x 120 -y 40 2>/dev/null || true
wait_for "synced" 240
keys t; keys t; keys n; keys n; keys T; keys T; keys T
keys s; keys S; keys / ; keys -l "a"; keys Enter; keys Escape
keys L; keys j; keys l; keys Enter; keys Escape
keys '?'; keys Escape
keys '['; keys '['; keys ']'; keys m; keys '['; keys m
keys Enter; keys Escape; keys Tab
keys b; keys j; keys '['; keys Enter; keys Escape; keys s; keys u; keys j; keys x; keys Enter; keys s; keys x; keys Escape
keys c; keys j; keys y; keys Escape; keys Y
keys p; wait_for "to update" 60; keys j; keys Enter; keys Escape; keys '['; wait_for "2026-" 30; keys ']'
wait_gone "reading ConnectWise" 60
keys a; wait_for "y/N" 10; keys n; keys a; wait_for "y/N" 10; keys y; keys j; tmux -L "$socket" resize-window -x 90 -y 30; keys j
wait_for "changes made in ConnectWise" 120; tmux -L "$socket" resize-window -x 120 -y 40; keys Escape
keys '?'; keys G; keys Escape; keys x; keys q
for _ in $(seq 1 100); do [[ -s "$work/status" ]] && break; sleep 0.2; done
status=$(cat "$work/status" 2>/dev/null || echo "exit (none)")
if compgen -G "$report*" >/dev/null; then
  echo "$kind sanitizer reports:" >&2; cat "$report"* >&2; exit 1
fi
[[ "$status" == "exit 0" ]] || { echo "the explorer ended with $status" >&2; exit 1; }
echo "sanitize=$kind: demo, sync, filters, tier matrix, periods, bill, changes, copy, export, the PSA view and its apply, and q: no report, $status"
