#!/usr/bin/env bash
# Makes sure Debian's chromium is on this machine: the console's browser test drives it with
# playwright-core (test/integration/console-browser.test.ts). Never a browser download: the
# distribution's package only. Idempotent and fast when it is present. Where to look:
# $BKDMS_CHROMIUM if set, else chromium (or chromium-browser) on the PATH — the test's own order.
set -euo pipefail

find_chromium() {
  if [[ -n "${BKDMS_CHROMIUM:-}" ]]; then
    [[ -x "$BKDMS_CHROMIUM" ]] && { echo "$BKDMS_CHROMIUM"; return 0; }
    return 1
  fi
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null
}

if find_chromium >/dev/null; then
  exit 0
fi

if [[ -n "${BKDMS_CHROMIUM:-}" ]]; then
  echo "ensure-chromium: BKDMS_CHROMIUM=$BKDMS_CHROMIUM is not an executable" >&2
  exit 1
fi

if [[ $(id -u) -ne 0 ]]; then
  cat >&2 <<'MSG'
ensure-chromium: Chromium is not installed, and this is not root, so it cannot be installed here.
The console's browser test drives it headless. Install it once, e.g. `sudo apt-get install -y
chromium` (Debian/Ubuntu), or point BKDMS_CHROMIUM at a Chromium executable.
MSG
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium absent and no apt-get here; install Chromium or set BKDMS_CHROMIUM" >&2
  exit 1
fi

echo "ensure-chromium: installing chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
if ! path=$(find_chromium); then
  echo "ensure-chromium: installed chromium but found no executable" >&2
  exit 1
fi
echo "ensure-chromium: $path" >&2
