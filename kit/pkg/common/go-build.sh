#!/usr/bin/env bash
# Builds one Go program into a cache: the one way this project builds what it runs (the
# cluster's binaries, kit/lab/cluster/build.sh; the check tools, kit/pkg/common/go-tools.ts).
# The module in MODULE_DIR pins the program (-mod=readonly: exactly its go.mod and go.sum).
# The binary is written under a temporary name and renamed when complete, so an interrupted or
# concurrent build never looks finished. go build is silent for minutes, so every 30 s a line
# says it still runs; the hundreds of "go: downloading" lines are dropped, errors still show.
# Usage: go-build.sh LABEL MODULE_DIR PACKAGE OUTPUT [LDFLAGS]     (progress on stderr)
set -euo pipefail
if (($# < 4)); then
  echo "usage: go-build.sh LABEL MODULE_DIR PACKAGE OUTPUT [LDFLAGS]" >&2
  exit 2
fi
label=$1 module_dir=$2 package=$3 output=$4 ldflags=${5:-}

mkdir -p "$(dirname "$output")"
partial="$output.$$.partial"
started=$SECONDS
( while sleep 30; do echo "$label: still building, $((SECONDS - started))s" >&2; done ) &
ticker=$!
# The ticker subshell and the sleep it is in; and no partial binary left behind.
trap 'kill "$ticker" $(pgrep -P "$ticker") 2>/dev/null; rm -f "$partial"' EXIT
# -trimpath and -s -w: smaller binaries, no local paths in them.
if ! (cd "$module_dir" && go build -mod=readonly -trimpath -ldflags "-s -w $ldflags" -o "$partial" "$package" \
  2> >(grep -v '^go: downloading' >&2)); then
  echo "$label: build FAILED" >&2
  exit 1
fi
mv "$partial" "$output"
echo "$label: built in $((SECONDS - started))s" >&2
