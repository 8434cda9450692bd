#!/usr/bin/env bash
# Runs every test of the repository: the README's test command and CI's.
# Installs nothing globally; what a suite needs it sets up itself.
set -euo pipefail
cd "$(dirname "$0")/.."

# Python tools (the moto server) in a venv of the repo's own, reinstalled
# only when test/requirements.txt changes.
venv=.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum test/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== Python: installing test/requirements.txt into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r test/requirements.txt
  echo "$want" > "$stamp"
fi
export LINKPLAN_MOTO_SERVER="$PWD/$venv/bin/moto_server"
export LINKPLAN_REQUIRE_MOTO=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== Rust: core, CLI and bindings (unit, integration, snapshot and property tests)"
status=0
cargo test --workspace --locked 2>&1 | tee "$log" || status=$?

# one closing line for the whole run, summed over cargo's per-binary lines
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
