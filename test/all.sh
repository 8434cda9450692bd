#!/usr/bin/env bash
# Runs every test of the repository: the README's test command and CI's.
# Installs nothing globally; what a suite needs it sets up itself.
#
# The Rust test build is long mostly for one crate (aws-sdk-ec2, whose
# compile runs on one core for minutes), so the Node half runs beside it:
# the binding is built first, then the Node tests run in the background
# while `cargo test` compiles and runs the rest. Each half writes its own
# log; the Node log is printed once the Rust half is done.
set -euo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0
fail() {
  echo "FAILED: $*" >&2
  status=1
}

echo "== Format: rustfmt"
cargo fmt --all --check || fail "cargo fmt --all --check (run cargo fmt --all)"

# Python tools (moto, cfn-lint) in a venv of the repo's own, reinstalled only
# when test/requirements.txt changes; npm packages only when
# package-lock.json changes. Both download, so they run while cargo compiles.
python_setup() {
  local venv=.venv stamp=.venv/.requirements.sha256 want
  want=$(sha256sum test/requirements.txt | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r test/requirements.txt
    echo "$want" >"$stamp"
  fi
}
npm_setup() {
  local sum
  sum=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat node_modules/.linkplan-lock.sha256 2>/dev/null)" != "$sum" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$sum" >node_modules/.linkplan-lock.sha256
  fi
}
echo "== Setup: .venv from test/requirements.txt, node_modules from package-lock.json (in the background)"
(
  rc=0
  python_setup >"$logs/python" 2>&1 || rc=$?
  echo "$rc" >"$logs/python.done"
) &
(
  rc=0
  npm_setup >"$logs/npm" 2>&1 || rc=$?
  echo "$rc" >"$logs/npm.done"
) &

export LINKPLAN_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export LINKPLAN_REQUIRE_MOTO=1
export LINKPLAN_CFN_LINT="$PWD/.venv/bin/cfn-lint"

# clippy is the compiler of the workspace's crates in every build below
# (`cargo clippy` does exactly this, with `check` builds): its lints, with
# `-D warnings`, run in the one build the tests need anyway, instead of a
# second check build of every dependency that took four more minutes.
# `CLIPPY_ARGS` is how `cargo clippy -- -D warnings` hands the flag on.
export RUSTC_WORKSPACE_WRAPPER
RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver || true)
if [ -z "$RUSTC_WORKSPACE_WRAPPER" ]; then
  echo "clippy-driver is required (rustup component add clippy)" >&2
  exit 2
fi
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

# The Node half builds the binding in a target directory of its own, so
# its cargo never waits for the Rust half's lock.
node_half() {
  set +e
  local rc=0
  echo "== Node: the napi binding (debug build), the CDK library (jsii) and every Node test"
  wait_for npm || return 1
  CARGO_TARGET_DIR="$PWD/target/napi" npm run --silent build:debug -w bindings || rc=1
  # the CLI the example test compares synth's findings with (no live checks)
  CARGO_TARGET_DIR="$PWD/target/napi" cargo build --locked -q -p linkplan-cli || rc=1
  export LINKPLAN_PLAN_BIN="$PWD/target/napi/debug/plan"
  # the generated loader and typings are committed: a rebuild must not change them
  if ! git diff --quiet -- bindings/index.js bindings/index.d.ts 2>/dev/null; then
    echo "bindings/index.js or index.d.ts changed on rebuild: commit the regenerated files" >&2
    git --no-pager diff --stat -- bindings/index.js bindings/index.d.ts >&2
    rc=1
  fi
  echo "== Lint: eslint and prettier (TypeScript, handlers, tests, example apps)"
  npm run --silent lint || rc=1
  npm run --silent build -w cdk-lib || rc=1
  wait_for python || rc=1
  node --test test/ cdk-lib/test/ || rc=1
  return "$rc"
}
# waits for a setup job started by this shell's parent; 0 when it succeeded
wait_for() {
  while [ ! -e "$logs/$1.done" ]; do sleep 1; done
  [ "$(cat "$logs/$1.done")" = 0 ] || {
    cat "$logs/$1" >&2
    return 1
  }
}
node_half >"$logs/node" 2>&1 &
node_pid=$!

# The SDK first, alone: its one crate takes minutes on one core, and started
# last (as cargo schedules it inside the whole build) it decided the run's
# length. The other core meanwhile builds and runs the Node half.
echo "== Rust: the AWS SDK of the live checks"
cargo build --locked -p aws-sdk-ec2 || fail "cargo build -p aws-sdk-ec2"
echo "== Rust: core, CLI, live checks and bindings (unit, integration, snapshot, property and moto tests; clippy)"
# the catalog's source test (core/tests/catalog_sources.rs) reads botocore
# from .venv and aws-cdk-lib from node_modules
wait_for python || fail "python setup"
wait_for npm || fail "npm setup"
# every feature but the binding's `noop` (for the fuzz targets only: it
# compiles the napi exports away, so the binding would be tested without them)
features=linkplan-cli/live
cargo test --workspace --all-targets --features "$features" --locked 2>&1 | tee "$logs/rust" || fail "cargo test (and clippy)"
cargo test --workspace --doc --features "$features" --locked 2>&1 | tee -a "$logs/rust" || fail "doc tests"

wait "$node_pid" || fail "Node half"
cat "$logs/node"

# one closing line for the whole run, summed over cargo's and node's lines
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "total: %d passed, %d failed\n", p, f }' "$logs/rust" "$logs/node"
exit "$status"
