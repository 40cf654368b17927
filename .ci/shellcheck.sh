#!/usr/bin/env bash
# npm run lint:shell [-- FILE...]: shellcheck (warnings and above) on the files named, by default
# every shell script of the repository and .ci/run. It is Debian's package shellcheck, which
# .ci/run installs. Shellcheck does not look at file modes, so this does: a script that starts
# with #! is run as a command (the docs name it so) and must be executable; a file only sourced
# has no #! line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v shellcheck >/dev/null; then
  echo "lint:shell: shellcheck is not installed; on Debian or Ubuntu: apt-get install shellcheck" >&2
  exit 2
fi
if (($# == 0)); then
  mapfile -d '' -t files < <(git ls-files -z '*.sh' .ci/run)
else
  files=("$@")
fi
not_executable=()
for file in "${files[@]}"; do
  if [[ $(head -c 2 "$file") == '#!' && ! -x $file ]]; then
    not_executable+=("$file")
  fi
done
if ((${#not_executable[@]})); then
  echo "lint:shell: these start with #! but are not executable: ${not_executable[*]}" >&2
  echo "  make them so (chmod +x, and git add), or drop the #! line of a file that is only sourced" >&2
  exit 1
fi
shellcheck --severity=warning "${files[@]}"
echo "lint:shell: ${#files[@]} scripts pass shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
