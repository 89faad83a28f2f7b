#!/usr/bin/env bash
# Fetches the tarballs named in packages.txt from the npm registry into this directory (run by
# hand when a version changes; the test itself never goes online).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
rm -f ./*.tgz
grep -v '^#' packages.txt | xargs npm pack --silent >/dev/null
ls -l ./*.tgz
