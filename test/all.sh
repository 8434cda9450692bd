#!/usr/bin/env bash
# Runs every test of the repository: the README's test command and CI's.
# Installs nothing globally; what a suite needs it sets up itself.
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== Rust: core, CLI and bindings (unit, integration, snapshot and property tests)"
status=0
cargo test --workspace --locked 2>&1 | tee "$log" || status=$?

# one closing line for the whole run, summed over cargo's per-binary lines
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
