# shellcheck shell=bash
# Postgres for scripts/infra.sh (sourced): Debian's PostgreSQL 15 cluster "main" on
# 127.0.0.1:5432, with a `freshet` login (password `freshet`, may CREATE DATABASE: integration
# tests create one database per test file) owning a `freshet` database.
# Postgres refuses to run as root; pg_ctlcluster runs it as the `postgres` user.

PG_VERSION=15
PG_CLUSTER=main
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_CONF_DIR="/etc/postgresql/$PG_VERSION/$PG_CLUSTER"
PG_DEFAULT_URL="postgres://freshet:freshet@127.0.0.1:5432/freshet"
PG_URL="${FRESHET_DATABASE_URL:-$PG_DEFAULT_URL}"
PG_MARKER="$INFRA_CACHE/postgres.started-by-infra"

postgres_is_external() { [[ -n "${FRESHET_DATABASE_URL:-}" ]]; }

postgres_cluster_exists() { pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$PG_VERSION $PG_CLUSTER"; }

postgres_online() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c {print $4}' | grep -q '^online'; }

# psql as the postgres superuser over the local socket (peer authentication).
postgres_admin_sql() {
  (cd / && runuser -u postgres -- psql -qAtX -v ON_ERROR_STOP=1 -c "$1")
}

# Test-speed settings, written once to the cluster's conf.d. They trade crash safety for speed:
# acceptable for a throw-away test database, never for data you keep.
postgres_write_config() {
  local file="$PG_CONF_DIR/conf.d/freshet-test.conf" wanted
  wanted=$(
    cat <<'CONF'
# Written by Freshet's scripts/infra.sh for local tests: crash safety traded for speed
# (no fsync, asynchronous commit, no full-page writes). Never use these for data you keep.
listen_addresses = '127.0.0.1'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
# Each integration test file opens its own pool on its own database.
max_connections = 200
CONF
  )
  if [[ -f "$file" && "$(<"$file")" == "$wanted" ]]; then return 1; fi
  mkdir -p "$PG_CONF_DIR/conf.d"
  printf '%s\n' "$wanted" >"$file"
  return 0
}

postgres_ensure_role_and_database() {
  postgres_admin_sql "DO \$\$BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'freshet') THEN
        CREATE ROLE freshet LOGIN CREATEDB PASSWORD 'freshet';
      ELSE
        ALTER ROLE freshet LOGIN CREATEDB PASSWORD 'freshet';
      END IF;
    END\$\$;" || die "could not create the Postgres role freshet"
  if [[ -z "$(postgres_admin_sql "SELECT 1 FROM pg_database WHERE datname = 'freshet'")" ]]; then
    postgres_admin_sql "CREATE DATABASE freshet OWNER freshet" || die "could not create the Postgres database freshet"
  fi
}

postgres_up() {
  local t answer how
  t=$(now_ms)
  if postgres_is_external; then
    answer=$(node "$WAIT_JS" postgres "$PG_URL" 15 2>&1) ||
      die "Postgres at $(redact_url "$PG_URL") (FRESHET_DATABASE_URL) did not answer a query (waited up to 15 s): $answer"
    line postgres "external answers ($answer) in $(elapsed_since "$t") s"
    return 0
  fi
  if ! postgres_cluster_exists; then
    LANG=C.UTF-8 LC_ALL=C.UTF-8 pg_createcluster --locale C.UTF-8 "$PG_VERSION" "$PG_CLUSTER" --port 5432 >"$INFRA_CACHE/postgres-create.log" 2>&1 ||
      die "could not create the Postgres $PG_VERSION cluster; see $(rel "$INFRA_CACHE/postgres-create.log")"
  fi
  local config_changed=false
  postgres_write_config && config_changed=true
  if postgres_online; then
    how="already running"
    # Only settings a reload applies (fsync, synchronous_commit, full_page_writes) take effect
    # on a cluster someone else may be using; the rest wait for its next start.
    if $config_changed; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" reload >/dev/null 2>&1 || true; fi
  else
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >"$INFRA_CACHE/postgres-start.log" 2>&1 || {
      show_tail "$INFRA_CACHE/postgres-start.log"
      show_tail "/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
      die "Postgres $PG_VERSION did not start; see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
    }
    touch "$PG_MARKER"
    how="started"
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 -t 30 ||
    die "Postgres did not accept connections on 127.0.0.1:5432 within 30 s; see /var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
  postgres_ensure_role_and_database
  # The real check: a query as `freshet` over TCP with its password, as the tests connect.
  answer=$(node "$WAIT_JS" postgres "$PG_URL" 15 2>&1) ||
    die "Postgres runs but the query as freshet on 127.0.0.1:5432/freshet failed: $answer"
  line postgres "$how $answer on 127.0.0.1:5432 (database freshet, user freshet) in $(elapsed_since "$t") s"
}

postgres_down() {
  if postgres_is_external; then
    line postgres "external: nothing to stop"
    return 0
  fi
  if ! postgres_online; then
    line postgres "not running"
    rm -f "$PG_MARKER"
    return 0
  fi
  if [[ ! -f "$PG_MARKER" ]]; then
    line postgres "left running: infra:up did not start it (stop it with pg_ctlcluster $PG_VERSION $PG_CLUSTER stop)"
    return 0
  fi
  local t
  t=$(now_ms)
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast || die "pg_ctlcluster $PG_VERSION $PG_CLUSTER stop failed"
  rm -f "$PG_MARKER"
  line postgres "stopped in $(elapsed_since "$t") s"
}

postgres_status() {
  local answer
  if answer=$(node "$WAIT_JS" postgres "$PG_URL" 3 2>&1); then
    line postgres "up: $answer at $(redact_url "$PG_URL")$(postgres_is_external && printf ' (external)')"
    return 0
  fi
  line postgres "down: $(redact_url "$PG_URL"): $answer"
  return 1
}
