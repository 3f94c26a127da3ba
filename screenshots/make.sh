#!/usr/bin/env bash
# Renders the real binary in a real terminal to the PNGs in screenshots/: xterm under
# Xvfb, attached to a tmux session that runs provider-explorer on the demo simulator
# with a fixed clock and seed, keys sent through tmux, each window grabbed with import.
#
# Needs (Debian): xvfb xterm imagemagick x11-utils tmux fonts-dejavu-core fonts-noto-cjk fonts-symbola;
# and python3 with openpyxl (the workbook's picture).
# Run from anywhere: screenshots/make.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
BIN="$PWD/.build/release/provider-explorer"
OUT="$PWD/screenshots"
TMP="$(mktemp -d)"
SOCK=""
SOCKS=()
export DISPLAY=":$((70 + RANDOM % 20))"
Xvfb "$DISPLAY" -screen 0 1800x1100x24 >/dev/null 2>&1 &
XVFB=$!
SIM=""
cleanup() { for s in "${SOCKS[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done; [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; kill "$XVFB" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
sleep 1

APP_ENV=(XDG_CACHE_HOME="$TMP/cache" XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config"
         PROVIDER_EXPLORER_DEMO_TODAY=2026-11-29 PROVIDER_EXPLORER_NOW=2026-11-29T10:00:00Z
         NORDPASS_PROVIDER_CREDENTIALS= LANG=C.UTF-8)

# shot NAME: grab the xterm of the current session into screenshots/NAME.png.
WINDOW=""
shot() {
    sleep 0.8
    local id
    id=$(xwininfo -name "$WINDOW" | awk '/Window id:/ {print $4}')
    import -window "$id" "$OUT/$1.png"
    echo "wrote screenshots/$1.png"
}

# start NAME COLS ROWS COMMAND...: a tmux session running COMMAND, and an xterm on it.
start() {
    local name=$1 cols=$2 rows=$3; shift 3
    [ -n "$SOCK" ] && tmux -L "$SOCK" kill-server 2>/dev/null || true
    # Each shot starts from a known view: the one before saved its own when it ended.
    sleep 0.5
    mkdir -p "$TMP/state/provider-explorer"
    rm -f "$TMP/state/provider-explorer"/view-*.json
    if [ -n "${VIEW_STATE:-}" ]; then echo "$VIEW_STATE" > "$TMP/state/provider-explorer/view-prv_DEMO00-cc80cf89.json"; fi
    SOCK="pe-shots-$$-$name"
    SOCKS+=("$SOCK")
    local envargs=()
    for kv in "${APP_ENV[@]}"; do envargs+=(-e "$kv"); done
    tmux -L "$SOCK" -f /dev/null new-session -d -s s -x "$cols" -y "$rows" "${envargs[@]}" "$*"
    tmux -L "$SOCK" set-option -g status off
    tmux -L "$SOCK" set-option -g default-terminal tmux-256color 2>/dev/null || true
    WINDOW="pe-$name"
    xterm -T "$WINDOW" -geometry "${cols}x${rows}+0+0" -fa "DejaVu Sans Mono" -fs 11 -bg "#1d1f21" -fg "#d8d8d8" \
          -tn xterm-256color -e tmux -L "$SOCK" attach -t s &
    sleep 2.5
}
keys() { tmux -L "$SOCK" send-keys "$@"; sleep 0.4; }
screen_has() { for _ in $(seq 1 100); do tmux -L "$SOCK" capture-pane -p | grep -q "$1" && return 0; sleep 0.1; done; echo "timed out waiting for: $1" >&2; return 1; }

# An organization whose tier changed in October, to show the billed-tier drill-down.
CHANGED=$(env "${APP_ENV[@]}" "$BIN" export daily --demo --date 2026-10-01 --format csv --cache-dir "$TMP/scratch" > "$TMP/a.csv"
          env "${APP_ENV[@]}" "$BIN" export daily --demo --date 2026-10-31 --format csv --cache-dir "$TMP/scratch" > "$TMP/b.csv"
          python3 - "$TMP/a.csv" "$TMP/b.csv" <<'PY'
import csv, sys
a = {r["organizationId"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    o = a.get(r["organizationId"])
    if o and o["tier"] == "business" and r["tier"] == "enterprise" and r["licenseType"] == "standard":
        print(r["organizationName"]); break
PY
)

# 1-5: the wide layout.
start main 120 40 "$BIN"
screen_has "synced"
keys j j j
shot main
keys t
shot trial-filter
keys t L Down Right
shot tier-matrix
keys Escape "?"
shot help
keys Escape / "$CHANGED" Enter Enter m
screen_has "2026-10"
shot drill-down

# The billing view, with a price list in the config file.
mkdir -p "$TMP/config/provider-explorer"
printf '[prices]\ncurrency = "EUR"\nbusiness = 3.99\nenterprise = 5.99\n' > "$TMP/config/provider-explorer/config.toml"
start billing 120 40 "$BIN"
screen_has "synced"
keys b
screen_has "Bill"
keys j j
shot billing

# The bill by customer: two organizations in three mapped to a customer named after the
# first word of their name (README's example).
env "${APP_ENV[@]}" "$BIN" export organizations --demo --format csv --cache-dir "$TMP/scratch" \
    | awk -F, 'NR==1 {print "organizationId,customerId"} NR>1 && NR%3 {split($2, w, " "); print $1 ",C-" toupper(w[1])}' > "$TMP/customers.csv"
printf 'customers = "%s"\n[prices]\ncurrency = "EUR"\nbusiness = 3.99\nenterprise = 5.99\n' "$TMP/customers.csv" > "$TMP/config/provider-explorer/config.toml"
start billing-customers 120 40 "$BIN"
screen_has "synced"
keys b
screen_has "Δ 09"
keys u j j j
shot billing-customers

# The workbook, as openpyxl reads it back (screenshots/sheet.py draws the cells).
env "${APP_ENV[@]}" "$BIN" bill --demo --month 2026-10 --format xlsx --output "$TMP/2026-10.xlsx" 2>/dev/null
start workbook 104 34 "python3 $PWD/screenshots/sheet.py $TMP/2026-10.xlsx Bill 14; sleep 600"
screen_has "formulas"
shot workbook
rm "$TMP/config/provider-explorer/config.toml"

# The changes view: the user last looked at 2026-11-20.
VIEW_STATE='{"lastSeenDay": "2026-11-20"}' start changes 120 40 "$BIN"
screen_has "synced just now"
screen_has "changes"
shot changes-badge
keys c
screen_has "Changes"
keys j j j
shot changes

# The PSA view on the demo (both sides simulated), then after applying its changes.
start psa 120 40 "$BIN"
screen_has "synced"
keys p
screen_has "to update"
keys j
shot psa
keys a
screen_has "y/N"
keys y
screen_has "changes made in ConnectWise"
shot psa-applied

# 6: the narrow layout.
start narrow 80 24 "$BIN"
screen_has "synced"
keys Tab
shot narrow

# 7: a revoked key, over data already cached.
env "${APP_ENV[@]}" "$BIN" simulate --credentials-out "$TMP/c.json" --port 18475 --today 2026-11-29 2>/dev/null &
SIM=$!
sleep 1
env "${APP_ENV[@]}" "$BIN" sync --base-url http://127.0.0.1:18475 --credentials "$TMP/c.json" >/dev/null
kill "$SIM"; wait "$SIM" 2>/dev/null || true
python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['privateKey'], end='')" "$TMP/c.json" > "$TMP/key.pem"
openssl pkey -in "$TMP/key.pem" -pubout -out "$TMP/pub.pem"
env "${APP_ENV[@]}" "$BIN" simulate --public-key "$TMP/pub.pem" --key-id key_DEMO01 --port 18475 --today 2026-11-29 --revoked 2>/dev/null &
SIM=$!
sleep 1
start revoked 120 40 "$BIN --base-url http://127.0.0.1:18475 --credentials $TMP/c.json"
screen_has "REJECTED"
shot revoked
