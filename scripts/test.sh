#!/usr/bin/env bash
# The test command (`npm test`): real infrastructure up, then lint (typecheck, eslint, import
# cycles), then the jest projects unit, integration and e2e, then the fault tests alone and in band
# (they kill services and stop brokers, on infrastructure of their own). Exits non-zero when any
# step fails.
# Lint failures do not stop the tests: one run reports both. Extra arguments go to jest.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
mkdir -p .cache

now_ms() { date +%s%3N; }
step_started=0
begin() {
  step_started=$(now_ms)
  printf '\n== %s\n' "$*"
}
took() {
  local ms=$(($(now_ms) - step_started))
  printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100))
}

failed=()

begin "infrastructure (scripts/infra.sh up)"
if ! bash scripts/infra.sh up; then
  printf '\ntest: the infrastructure did not come up (above); no test was run.\n' >&2
  exit 1
fi

begin "dbt for the dbt integration tests (scripts/dbt/ensure-venv.sh; skipped when installed)"
if bash scripts/dbt/ensure-venv.sh >/dev/null; then
  printf 'dbt ready in %s\n' "$(took)"
else
  printf 'dbt install FAILED in %s (the dbt integration tests will fail)\n' "$(took)"
  failed+=(dbt-venv)
fi

begin "chromium for the browser tests (scripts/browser/ensure-chromium.sh; skipped when installed)"
if bash scripts/browser/ensure-chromium.sh >/dev/null; then
  printf 'chromium ready in %s\n' "$(took)"
else
  printf 'chromium install FAILED in %s (the browser tests will fail)\n' "$(took)"
  failed+=(chromium)
fi

begin "lint: typecheck, eslint, import cycles"
if npm run --silent lint; then
  printf 'lint passed in %s\n' "$(took)"
else
  printf 'lint FAILED in %s\n' "$(took)"
  failed+=(lint)
fi

begin "jest --ci (unit, integration, e2e)"
results=.cache/jest-results.json
rm -f "$results"
# --selectProjects takes every argument after it: the caller's arguments go before.
if npx --no-install jest --ci --json --outputFile="$results" "$@" --selectProjects unit integration e2e; then
  printf 'jest passed in %s\n' "$(took)"
else
  printf 'jest FAILED in %s\n' "$(took)"
  failed+=(jest)
fi

# Never in parallel with the above: the fault tests kill services and stop their brokers.
begin "jest --ci faults (alone, --runInBand)"
fault_results=.cache/jest-faults-results.json
rm -f "$fault_results"
if npx --no-install jest --ci --runInBand --json --outputFile="$fault_results" --selectProjects faults; then
  printf 'faults passed in %s\n' "$(took)"
else
  printf 'faults FAILED in %s\n' "$(took)"
  failed+=(faults)
fi

# jest's own summary is above; this plain closing line states the counts once more, alone on a line.
# shellcheck disable=SC2016 # a JavaScript template literal, not a shell expansion
counts=$(node -e '
  const fs = require("node:fs");
  try {
    const all = process.argv.slice(1).filter((file) => fs.existsSync(file)).map((file) => JSON.parse(fs.readFileSync(file, "utf8")));
    if (all.length === 0) throw new Error("no results");
    const sum = (pick) => all.reduce((total, r) => total + pick(r), 0);
    process.stdout.write(`${sum((r) => r.numPassedTests)} passed, ${sum((r) => r.numFailedTests)} failed, ${sum((r) => r.numPendingTests + r.numTodoTests)} skipped`);
  } catch {
    process.stdout.write("");
  }' "$results" "$fault_results")

echo
if ((${#failed[@]} > 0)); then
  printf 'test: FAILED (%s)\n' "${failed[*]}"
  [[ -n "$counts" ]] && printf 'tests: %s\n' "$counts"
  exit 1
fi
if [[ -z "$counts" ]]; then
  printf 'test: jest wrote no results to %s\n' "$results" >&2
  exit 1
fi
printf 'tests: %s\n' "$counts"
