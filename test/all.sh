#!/usr/bin/env bash
# Runs every test of the repository: the README's test command and CI's.
# Installs nothing globally; what a suite needs it sets up itself.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust: core, CLI and bindings (unit, integration, snapshot and property tests)"
cargo test --workspace --locked
