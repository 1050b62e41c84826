#!/usr/bin/env bash
# Real infrastructure for Freshet's integration and end-to-end tests, started by the project
# itself on a plain Debian 12 machine (no Docker): Apache Kafka 3.9.1 (KRaft, one combined node)
# from Maven Central jars, Postgres 15 and Redis 7 from Debian packages, all on 127.0.0.1.
#
#   bash scripts/infra.sh up       start what is missing, reuse what runs, wait until all answer
#   bash scripts/infra.sh down     stop what `up` started
#   bash scripts/infra.sh status   print each service up/down
#
# Your own clusters: set FRESHET_KAFKA_BROKERS, FRESHET_DATABASE_URL and/or FRESHET_REDIS_URL;
# `up` then starts nothing for that service and only checks that it answers.
# Knobs: FRESHET_KAFKA_WAIT_SECONDS (default 90).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/infra/common.sh
source "$ROOT/scripts/infra/common.sh"
# shellcheck source=scripts/infra/kafka.sh
source "$ROOT/scripts/infra/kafka.sh"
# shellcheck source=scripts/infra/postgres.sh
source "$ROOT/scripts/infra/postgres.sh"
# shellcheck source=scripts/infra/redis.sh
source "$ROOT/scripts/infra/redis.sh"

cmd_up() {
  local started_at
  started_at=$(now_ms)
  # Packages first (one apt-get update for all of them), then Kafka in the background so the
  # JVM boots while Postgres and Redis start, then wait for Kafka last.
  ensure_packages
  kafka_up_begin
  postgres_up
  redis_up
  kafka_up_finish
  say "infra up in $(elapsed_since "$started_at") s"
}

cmd_down() {
  kafka_down
  postgres_down
  redis_down
}

cmd_status() {
  local rc=0
  kafka_status || rc=1
  postgres_status || rc=1
  redis_status || rc=1
  return "$rc"
}

# Installs, in one apt transaction, whatever the local services need and the machine lacks.
ensure_packages() {
  local missing=()
  if ! kafka_is_external; then
    command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
  fi
  if ! postgres_is_external && [[ ! -x "$PG_BIN/postgres" ]]; then missing+=(postgresql); fi
  if ! redis_is_external && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
  if ((${#missing[@]} == 0)); then return 0; fi
  local t
  t=$(now_ms)
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or point FRESHET_* at your own services"
  fi
  say "packages: installing ${missing[*]} (apt-get)"
  apt-get update -qq >"$INFRA_CACHE/apt.log" 2>&1 || die "apt-get update failed; see $(rel "$INFRA_CACHE/apt.log")"
  # C.UTF-8 always exists on Debian: the postgresql package creates its cluster with the
  # caller's locale, and initdb fails on a LANG the machine has not generated.
  LANG=C.UTF-8 LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >>"$INFRA_CACHE/apt.log" 2>&1 </dev/null ||
    die "apt-get install ${missing[*]} failed; see $(rel "$INFRA_CACHE/apt.log")"
  say "packages: installed ${missing[*]} in $(elapsed_since "$t") s"
}

main() {
  mkdir -p "$INFRA_CACHE"
  case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *)
      echo "usage: bash scripts/infra.sh up|down|status" >&2
      exit 2
      ;;
  esac
}

main "$@"
