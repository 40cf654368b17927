#!/usr/bin/env bash
# What CI takes on this machine: clones HEAD into a new temporary folder, with ../shared beside it
# as CI has it, runs `bash .ci/run LANE` there for each lane, one after another and each alone, as
# the pull-request workflow's jobs run them, and writes the lanes', steps' and Go builds' times
# into docs/benchmarks.md (kit/lab/bench/ci.ts: the ci-cold or ci-warm block, and the ci-workflow
# sum). Only committed work is measured. The lanes that start a cluster (kwok, node, faults) need
# what they need under .ci/run: root, and no other cluster on the machine.
#   --cold   Go's module and build caches and ~/.cache/k8s-sandbox empty (XDG_CACHE_HOME, GOCACHE,
#            GOMODCACHE in the temporary folder), as on a CI cache miss
#   --whole  one `bash .ci/run` of every lane, as CI runs it on a fresh clone (not each lane alone):
#            writes the ci-cold-whole or ci-warm-whole block, with the goal of 45 minutes cold
# Usage: kit/lab/bench/ci.sh [--cold] [--whole | LANE...]   (default: every lane, each alone, in order)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

usage() {
  echo "usage: kit/lab/bench/ci.sh [--cold] [--whole | LANE...]   (LANE: ${all_lanes[*]}; default: all, in that order)" >&2
  exit 2
}
read -r -a all_lanes <<<"$(sed -n 's/^LANES=(\(.*\))$/\1/p' "$root/.ci/run")"
cold=0
whole=0
lanes=()
for arg in "$@"; do
  case $arg in
    --cold) cold=1 ;;
    --whole) whole=1 ;;
    *)
      [[ " ${all_lanes[*]} " == *" $arg "* ]] || { echo "bench ci: unknown lane '$arg'" >&2; usage; }
      lanes+=("$arg")
      ;;
  esac
done
if ((whole && ${#lanes[@]})); then echo "bench ci: --whole runs every lane; name no lane with it" >&2; usage; fi
((${#lanes[@]})) || lanes=("${all_lanes[@]}")
[[ -d $root/../shared ]] || { echo "bench ci: $root/../shared is missing; .ci/run reads the schema there" >&2; exit 1; }
# Checked before the lanes' minutes: the figures are written by kit/lab/bench/ci.ts, run from here.
[[ -d $root/node_modules ]] ||
  { echo "bench ci: $root/node_modules is missing; run npm ci first (kit/lab/bench/ci.ts writes the figures)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-sandbox-bench-ci-XXXXXX")
# Go's module cache is read-only; make it removable first. Ctrl-C or SIGTERM removes it too.
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Readable by all, as a clone usually is: the check lane's tests run some commands as nobody.
chmod 755 "$work"
commit=$(git -C "$root" rev-parse --short HEAD)
git clone -q "$root" "$work/k8s-sandbox"
ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"
state=--warm
if ((cold)); then
  state=--cold
  export XDG_CACHE_HOME="$work/cache" GOCACHE="$work/cache/go-build" GOMODCACHE="$work/go/pkg/mod"
fi

load() { cut -d' ' -f1-3 /proc/loadavg | sed 's/ /, /g'; }
load_before=$(load)
write() {
  node -r "$root/kit/pkg/loader/ts-register.js" "$root/kit/lab/bench/ci.ts" "$state" --commit "$commit" \
    --load-before "$load_before" --load-after "$(load)" --command "$1" --go-version "$(go env GOVERSION)" "${@:2}"
}

if ((whole)); then
  printf '\n=== bench ci: bash .ci/run (every lane, one run; %s, commit %s)\n' "${state#--}" "$commit"
  if ! (cd "$work/k8s-sandbox" && bash .ci/run) 2>&1 | tee "$work/whole.log"; then
    echo "bench ci: bash .ci/run failed; nothing written" >&2
    exit 1
  fi
  command="kit/lab/bench/ci.sh --whole"
  [[ $state == --warm ]] || command="kit/lab/bench/ci.sh --cold --whole"
  write "$command" --whole "$work/whole.log"
  exit 0
fi
logs=()
n=0
for lane in "${lanes[@]}"; do
  n=$((n + 1))
  printf '\n=== bench ci: [%s/%s] bash .ci/run %s (%s, commit %s)\n' "$n" "${#lanes[@]}" "$lane" "${state#--}" "$commit"
  if ! (cd "$work/k8s-sandbox" && bash .ci/run "$lane") 2>&1 | tee "$work/$lane.log"; then
    echo "bench ci: lane $lane failed; nothing written" >&2
    exit 1
  fi
  logs+=("$lane=$work/$lane.log")
done

command="kit/lab/bench/ci.sh $state ${lanes[*]}"
[[ $state == --cold ]] || command="kit/lab/bench/ci.sh ${lanes[*]}"
write "$command" "${logs[@]}"
