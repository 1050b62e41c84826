#!/usr/bin/env bash
# Regenerates test/fixtures/dbt/shop-manifest.json, the manifest the loader's unit tests read:
# `dbt parse` on the test project, with dbt's and the adapter's built-in macros pruned (they are
# most of the file and the loader ignores them) and run-specific metadata blanked, so the fixture
# changes only when the project does. Run it after editing test/fixtures/dbt/shop/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DBT="$(bash "$ROOT/scripts/dbt/ensure-venv.sh" | tail -n 1)"
PROJECT="$ROOT/test/fixtures/dbt/shop"
OUT_DIR="$(mktemp -d)"
trap 'rm -rf "$OUT_DIR"' EXIT
cd "$PROJECT"
DO_NOT_TRACK=1 "$DBT" parse --project-dir . --profiles-dir . --target-path "$OUT_DIR" --no-use-colors >/dev/null
node - "$OUT_DIR/manifest.json" "$ROOT/test/fixtures/dbt/shop-manifest.json" <<'JS'
const fs = require('node:fs');
const [input, output] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(input, 'utf8'));
const builtIn = new Set(['dbt', `dbt_${manifest.metadata.adapter_type}`]);
manifest.macros = Object.fromEntries(Object.entries(manifest.macros).filter(([, m]) => !builtIn.has(m.package_name)));
for (const field of ['generated_at', 'invocation_id', 'invocation_started_at', 'run_started_at']) manifest.metadata[field] = null;
const blankTimes = (value) => {
  if (Array.isArray(value)) return value.forEach(blankTimes);
  if (value && typeof value === 'object') {
    if (typeof value.created_at === 'number') value.created_at = 0;
    Object.values(value).forEach(blankTimes);
  }
};
blankTimes(manifest);
fs.writeFileSync(output, `${JSON.stringify(manifest, null, 1)}\n`);
JS
echo "wrote test/fixtures/dbt/shop-manifest.json"
