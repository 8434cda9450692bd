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
export LINKPLAN_CFN_LINT="$PWD/$venv/bin/cfn-lint"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== Rust: core, CLI and bindings (unit, integration, snapshot and property tests)"
status=0
cargo test --workspace --locked 2>&1 | tee "$log" || status=$?

echo "== Node: the napi binding and the CDK library (npm ci, napi build, jsii, node --test)"
# npm ci only when package-lock.json changed since the last install
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.linkplan-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.linkplan-lock.sha256
fi
npm run build
# the generated loader and typings are committed: a rebuild must not change them
if ! git diff --quiet -- bindings/index.js bindings/index.d.ts 2>/dev/null; then
  echo "bindings/index.js or index.d.ts changed on rebuild: commit the regenerated files" >&2
  git --no-pager diff --stat -- bindings/index.js bindings/index.d.ts >&2
  status=1
fi
npm run build -w cdk-lib
node --test test/ cdk-lib/test/ 2>&1 | tee -a "$log" || status=$?

# one closing line for the whole run, summed over cargo's and node's lines
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "total: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
