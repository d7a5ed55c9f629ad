#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster if needed and makes sure the test role and database
# exist. Prints the SQLAlchemy URL on stdout; exits non-zero when PostgreSQL is not usable.
# Idempotent; needs root (or the postgres user) on a Debian machine with postgresql installed.
set -euo pipefail

DB_USER=${KETNOI_PG_USER:-ketnoi}
DB_PASS=${KETNOI_PG_PASSWORD:-ketnoi}
DB_NAME=${KETNOI_PG_DB:-ketnoi_test}
PORT=${KETNOI_PG_PORT:-5432}

command -v pg_lsclusters >/dev/null || { echo "postgres-test-db: PostgreSQL is not installed" >&2; exit 1; }

if ! pg_lsclusters -h 2>/dev/null | awk '$1=="15" && $2=="main"' | grep -q online; then
  if pg_lsclusters -h 2>/dev/null | awk '$1=="15" && $2=="main"' | grep -q .; then
    pg_ctlcluster 15 main start >&2
  else
    echo "postgres-test-db: no PostgreSQL 15 'main' cluster" >&2
    exit 1
  fi
fi

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi
}

for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done

as_postgres psql -p "$PORT" -v ON_ERROR_STOP=1 -qtAc \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='${DB_USER}') THEN CREATE ROLE ${DB_USER} LOGIN PASSWORD '${DB_PASS}' CREATEDB; END IF; END\$\$;" >&2
if ! as_postgres psql -p "$PORT" -qtAc "SELECT 1 FROM pg_database WHERE datname='${DB_NAME}'" | grep -q 1; then
  as_postgres createdb -p "$PORT" -O "$DB_USER" "$DB_NAME" >&2
fi
# unaccent and pg_trgm serve accent-insensitive search; created here because they need a superuser.
as_postgres psql -p "$PORT" -d "$DB_NAME" -qtAc "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;" >&2 || true

echo "postgresql+psycopg://${DB_USER}:${DB_PASS}@127.0.0.1:${PORT}/${DB_NAME}"
