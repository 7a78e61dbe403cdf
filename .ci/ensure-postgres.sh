#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres) are on this machine: the
# tests of the site's PostgreSQL source start their own throw-away clusters with them
# (test/support/pg-server.ts). Idempotent and fast when they are present. Installs nothing but the
# Debian package and starts no service. Where to look: $BKDMS_PG_BIN if set, else the newest
# /usr/lib/postgresql/<version>/bin, else the PATH — the same order the test harness uses.
set -euo pipefail

has_server() {
  local dir=$1
  [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]
}

find_bin() {
  if [[ -n "${BKDMS_PG_BIN:-}" ]]; then
    has_server "$BKDMS_PG_BIN" && { echo "$BKDMS_PG_BIN"; return 0; }
    return 1
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    has_server "$dir" && { echo "$dir"; return 0; }
  done
  local initdb
  initdb=$(command -v initdb 2>/dev/null) || return 1
  dir=$(dirname "$(readlink -f "$initdb")")
  has_server "$dir" && { echo "$dir"; return 0; }
  return 1
}

# The harness runs the server as the `postgres` user when the tests run as root (initdb refuses
# root); the Debian package creates that user, a server installed otherwise may not have.
ensure_user() {
  if [[ $(id -u) -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
}

if dir=$(find_bin); then
  ensure_user
  exit 0
fi

if [[ -n "${BKDMS_PG_BIN:-}" ]]; then
  echo "ensure-postgres: BKDMS_PG_BIN=$BKDMS_PG_BIN holds no initdb, pg_ctl and postgres" >&2
  exit 1
fi

if [[ $(id -u) -ne 0 ]]; then
  cat >&2 <<'MSG'
ensure-postgres: the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed, and
this is not root, so they cannot be installed here. The tests of the site's PostgreSQL source need
them. Install them once, e.g. `sudo apt-get install -y postgresql` (Debian/Ubuntu; no service
needs to run), or point BKDMS_PG_BIN at a folder holding them.
MSG
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: PostgreSQL server binaries absent and no apt-get here; install PostgreSQL or set BKDMS_PG_BIN" >&2
  exit 1
fi

echo "ensure-postgres: installing PostgreSQL (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
# policy-rc.d 101 keeps the package from starting its own cluster service: tests start theirs.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
fi
trap '[[ $created_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt-get install -y --no-install-recommends postgresql
ensure_user
if ! dir=$(find_bin); then
  echo "ensure-postgres: installed postgresql but found no server binaries" >&2
  exit 1
fi
echo "ensure-postgres: PostgreSQL server binaries in $dir" >&2
