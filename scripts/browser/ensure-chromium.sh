#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium is at /usr/bin/chromium for the browser tests
# (test/browser/). Installs the `chromium` package with apt-get when it is missing; a lock keeps
# two jest workers (or two test runs) from installing at once. Prints where Chromium is.
set -euo pipefail

BIN=/usr/bin/chromium
if [[ -x "$BIN" ]]; then
  echo "$BIN"
  exit 0
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "ensure-chromium: $BIN is missing and apt-get needs root (install the chromium package)" >&2
    exit 1
  fi
fi

LOCK="${TMPDIR:-/tmp}/freshet-ensure-chromium.lock"
exec 9>"$LOCK"
flock -w 900 9 || { echo "ensure-chromium: another install holds $LOCK" >&2; exit 1; }
if [[ ! -x "$BIN" ]]; then
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq >&2
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
fi
[[ -x "$BIN" ]] || { echo "ensure-chromium: apt-get finished but $BIN is still missing" >&2; exit 1; }
echo "$BIN"
