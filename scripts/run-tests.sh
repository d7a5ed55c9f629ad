#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when one is available: from
# KETNOI_TEST_POSTGRES_URL, or a local cluster that scripts/postgres-test-db.sh can start.
# Exits non-zero if any run fails.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== Tests on SQLite =="
# Two workers (the machines we run on have two cores); each has its own database.
WORKERS=${KETNOI_TEST_WORKERS:-2}
KETNOI_TEST_DATABASE_URL="" "$BIN/pytest" -m "not bench" -q -p no:cacheprovider -n "$WORKERS"
sqlite_rc=$?

pg_url=${KETNOI_TEST_POSTGRES_URL:-}
if [ -z "$pg_url" ]; then
  pg_url=$(bash scripts/postgres-test-db.sh 2>/dev/null) || pg_url=""
fi

pg_rc=0
if [ -n "$pg_url" ]; then
  echo "== Tests on PostgreSQL =="
  # The browser journeys and pure unit tests do not depend on the database; they ran above.
  KETNOI_TEST_DATABASE_URL="$pg_url" "$BIN/pytest" -m "not bench and not e2e" -q -p no:cacheprovider -n "$WORKERS" tests/integration
  pg_rc=$?
else
  echo "== PostgreSQL not available: skipped the PostgreSQL run =="
  if [ "${CI:-}" = "true" ]; then
    echo "CI must test PostgreSQL too" >&2
    pg_rc=1
  fi
fi

if [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED: sqlite=$sqlite_rc postgresql=$pg_rc" >&2
  exit 1
fi
echo "All test runs passed."
