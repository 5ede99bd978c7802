#!/usr/bin/env bash
# Installs (if needed) and starts Debian's PostgreSQL on loopback, and prints a DATABASE_URL for a
# role that may create the per-test databases. Used by .ci/run; handy on a developer machine too.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 || pg_ctlcluster "$version" main status >&2
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" >&2 <<'SQL'
do $$ begin
  if not exists (select from pg_roles where rolname = 'tillit') then
    create role tillit login createdb password 'tillit';
  end if;
end $$;
-- Lets the tests drop their databases WITH (FORCE) even with a background worker attached.
grant pg_signal_backend to tillit;
SQL
echo "postgres://tillit:tillit@127.0.0.1:5432/postgres"
