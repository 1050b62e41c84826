#!/usr/bin/env bash
# Installs dbt-core and the Postgres adapter into .cache/dbt-venv (gitignored) for the dbt
# integration tests and local use. Does nothing when the venv already holds the pinned versions.
# Pins: dbt-core 1.11.x with dbt-postgres 1.11.x (adapters are versioned apart from dbt-core since
# 1.8). dbt-core 1.12 is newer, but its install builds a parser wheel that it downloads from
# outside the package index, which fails on machines that reach only the index; 1.11 installs
# from the index alone. Never `pip install dbt`: that PyPI name is a different product line.
# Override with FRESHET_DBT_CORE_SPEC / FRESHET_DBT_POSTGRES_SPEC / FRESHET_DBT_VENV.
# Usage: bash scripts/dbt/ensure-venv.sh   (prints the dbt executable path on its last line)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${FRESHET_DBT_VENV:-$ROOT/.cache/dbt-venv}"
CORE_SPEC="${FRESHET_DBT_CORE_SPEC:-dbt-core~=1.11.0}"
POSTGRES_SPEC="${FRESHET_DBT_POSTGRES_SPEC:-dbt-postgres~=1.11.0}"
STAMP="$VENV/.freshet-pins"
WANT="$CORE_SPEC $POSTGRES_SPEC"

if [[ -x "$VENV/bin/dbt" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "$VENV/bin/dbt"
  exit 0
fi

PYTHON="${FRESHET_PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  for candidate in python3.12 python3.11 python3.10 python3; do
    # Run it, not just look it up: a pyenv shim exists for versions that are not selected.
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1; then
      PYTHON="$candidate"
      break
    fi
  done
fi
if [[ -z "$PYTHON" ]]; then
  echo "ensure-venv: no python3 found; dbt needs Python 3.10 or newer" >&2
  exit 1
fi

mkdir -p "$(dirname "$VENV")"
# A lock so two jest workers (or two engineers) do not build the same venv at once.
exec 9>"$VENV.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -x "$VENV/bin/dbt" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
  echo "$VENV/bin/dbt"
  exit 0
fi

echo "ensure-venv: installing $WANT into $VENV with $PYTHON" >&2
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$CORE_SPEC" "$POSTGRES_SPEC" >&2
"$VENV/bin/dbt" --version >&2
echo "$WANT" >"$STAMP"
echo "$VENV/bin/dbt"
