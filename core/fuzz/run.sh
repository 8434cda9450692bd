#!/usr/bin/env bash
# Runs one fuzz target under the memory limits of docs/fuzzing.md, with its
# seeds gathered into corpus/TARGET first:
#   core/fuzz/run.sh plan|lock|binding [SECONDS]    (default 1860)
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz --locked`). The log
# of the run (libFuzzer's worker writes fuzz-0.log) is in logs/TARGET/.
set -euo pipefail
target=$1
seconds=${2:-1860}
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$fuzz/../.." && pwd)
corpus=$fuzz/corpus/$target
mkdir -p "$corpus" "$fuzz/logs/$target"

seed() { cp "$1" "$corpus/seed-$(basename "$(dirname "$1")")-$(basename "$1")"; }
# "topology NUL lock" (and for `binding` "… NUL options") as one input
seed_pair() { printf '%s\0%s' "$(cat "$2")" "$(cat "$3")" >"$corpus/seed-$1"; }
topologies=("$root"/examples/*/topology.yaml "$root"/core/tests/rules/*.yaml "$fuzz"/seeds/*.yaml)
case $target in
  plan | binding)
    for t in "${topologies[@]}"; do seed "$t"; done
    for l in "$root"/core/tests/rules/*.lock.json; do
      seed_pair "pair-$(basename "$l")" "${l%.lock.json}.yaml" "$l"
    done
    for l in "$fuzz"/seeds/lock/*.lock.json; do
      seed_pair "pair-$(basename "$l")" "$root/examples/$(basename "$l" .lock.json)/topology.yaml" "$l"
    done
    if [ "$target" = binding ]; then
      t=$root/examples/bedrock-privatelink/topology.yaml
      for o in 'null' '{}' '{"fileName":"a.yaml"}' '{"lockFile":"x"}' '{"lock":""}' \
        '{"fileName":"t.yaml","lockFileName":"t.lock.json","lock":"{}"}' '{"lock":1}'; do
        printf '%s\0\0%s' "$(cat "$t")" "$o" >"$corpus/seed-options-$(printf '%s' "$o" | cksum | cut -d' ' -f1)"
      done
    fi
    ;;
  lock)
    for l in "$fuzz"/seeds/lock/*.json "$root"/core/tests/rules/*.lock.json; do seed "$l"; done
    ;;
  *)
    echo "unknown target $target (plan, lock, binding)" >&2
    exit 2
    ;;
esac

cd "$fuzz/logs/$target"
exec nice -n 19 cargo +nightly fuzz run --fuzz-dir "$fuzz" "$target" "$corpus" -- \
  -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_total_time="$seconds" -max_len=65536 \
  -jobs=1 -print_final_stats=1
