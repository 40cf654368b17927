#!/usr/bin/env bash
# npm run lint:shell [-- FILE...]: shellcheck (warnings and above) on the files named, by default
# every shell script of the repository and .ci/run. It is Debian's package shellcheck, which
# .ci/run installs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v shellcheck >/dev/null; then
  echo "lint:shell: shellcheck is not installed; on Debian or Ubuntu: apt-get install shellcheck" >&2
  exit 2
fi
if (($# == 0)); then
  mapfile -d '' -t files < <(git ls-files -z '*.sh' .ci/run)
else
  files=("$@")
fi
shellcheck --severity=warning "${files[@]}"
echo "lint:shell: ${#files[@]} scripts pass shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
