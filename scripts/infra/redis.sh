# shellcheck shell=bash
# Redis for scripts/infra.sh (sourced): Debian's redis-server (7.0 on Debian 12) daemonized on
# 127.0.0.1:6379 with no persistence: it is a cache, everything in it is rebuilt from Postgres.
# Its pid file, log and working directory live in .cache/redis.

REDIS_DIR="$ROOT/.cache/redis"
REDIS_DEFAULT_URL="redis://127.0.0.1:6379"
REDIS_URL="${FRESHET_REDIS_URL:-$REDIS_DEFAULT_URL}"
REDIS_MARKER="$INFRA_CACHE/redis.started-by-infra"

redis_is_external() { [[ -n "${FRESHET_REDIS_URL:-}" ]]; }

redis_local_cli() { redis-cli -h 127.0.0.1 -p 6379 "$@" 2>/dev/null; }

redis_local_pong() { [[ "$(redis_local_cli ping)" == "PONG" ]]; }

redis_local_version() { redis_local_cli info server | tr -d '\r' | sed -n 's/^redis_version://p'; }

redis_up() {
  local t answer how
  t=$(now_ms)
  if redis_is_external; then
    answer=$(node "$WAIT_JS" redis "$REDIS_URL" 15 2>&1) ||
      die "Redis did not answer at $(redact_url "$REDIS_URL") (FRESHET_REDIS_URL) within 15 s: $answer"
    line redis "external answers ($answer) in $(elapsed_since "$t") s"
    return 0
  fi
  if redis_local_pong; then
    how="already running"
    # A Redis the package manager started comes with its own config; tests want no snapshots.
    redis_local_cli config set save '' >/dev/null || true
    redis_local_cli config set appendonly no >/dev/null || true
  else
    mkdir -p "$REDIS_DIR"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" </dev/null ||
      die "redis-server did not start; see $(rel "$REDIS_DIR/redis.log")"
    touch "$REDIS_MARKER"
    how="started"
    local tries=0
    until redis_local_pong; do
      tries=$((tries + 1))
      if ((tries > 100)); then
        show_tail "$REDIS_DIR/redis.log"
        die "Redis did not answer PING on 127.0.0.1:6379 within 10 s; see $(rel "$REDIS_DIR/redis.log")"
      fi
      sleep 0.1
    done
  fi
  line redis "$how Redis $(redis_local_version) on 127.0.0.1:6379 (no persistence) in $(elapsed_since "$t") s"
}

redis_down() {
  if redis_is_external; then
    line redis "external: nothing to stop"
    return 0
  fi
  if ! redis_local_pong; then
    line redis "not running"
    rm -f "$REDIS_MARKER"
    return 0
  fi
  if [[ ! -f "$REDIS_MARKER" ]]; then
    line redis "left running: infra:up did not start it (stop it with redis-cli shutdown nosave)"
    return 0
  fi
  local t
  t=$(now_ms)
  redis_local_cli shutdown nosave >/dev/null || true
  local tries=0
  while redis_local_pong && ((tries < 50)); do
    sleep 0.1
    tries=$((tries + 1))
  done
  rm -f "$REDIS_MARKER"
  line redis "stopped in $(elapsed_since "$t") s"
}

redis_status() {
  local answer
  if answer=$(node "$WAIT_JS" redis "$REDIS_URL" 3 2>&1); then
    line redis "up: $answer at $(redact_url "$REDIS_URL")$(redis_is_external && printf ' (external)')"
    return 0
  fi
  line redis "down: $(redact_url "$REDIS_URL"): $answer"
  return 1
}
