# shellcheck shell=bash
# Shared helpers for scripts/infra.sh (sourced, not run). Expects ROOT to be set.

INFRA_CACHE="$ROOT/.cache/infra"
WAIT_JS="$ROOT/scripts/infra/wait.js"

now_ms() { date +%s%3N; }

# Seconds since a now_ms timestamp, with one decimal: "3.4".
elapsed_since() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

say() { printf '%s\n' "$*"; }

die() {
  printf 'infra: %s\n' "$*" >&2
  exit 1
}

# A path relative to the repository root, for messages people can paste.
rel() { printf '%s' "${1#"$ROOT"/}"; }

# Prints the last lines of a log, indented, to stderr (used before failing).
show_tail() {
  local file=$1 lines=${2:-20}
  [[ -f "$file" ]] || return 0
  printf -- '--- last %d lines of %s ---\n' "$lines" "$(rel "$file")" >&2
  tail -n "$lines" "$file" | sed 's/^/  /' >&2
}

# Prints the first ERROR/FATAL lines of a log4j log to stderr: the cause, before the noise after it.
show_errors() {
  local file=$1
  [[ -f "$file" ]] || return 0
  local errors
  errors=$(grep -E '\] (ERROR|FATAL) ' "$file" | head -n 5 | cut -c1-400)
  [[ -n "$errors" ]] || return 0
  printf -- '--- first errors in %s ---\n' "$(rel "$file")" >&2
  printf '%s\n' "$errors" | sed 's/^/  /' >&2
}

# True when something accepts TCP connections on host:port (says nothing about readiness).
port_open() {
  local host=$1 port=$2
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# `printf '%-9s'` keeps the three service lines aligned.
line() {
  local service=$1
  shift
  printf '%-9s %s\n' "$service" "$*"
}

# A URL without its credentials, for messages: postgres://u:p@h:5432/db -> postgres://h:5432/db.
redact_url() { printf '%s' "$1" | sed -E 's#//[^@/]*@#//#'; }
