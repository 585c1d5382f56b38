#!/usr/bin/env bash
# The test command: lint, type-check, then every jest tier (unit, property, int, e2e, infra).
# Integration suites use DATABASE_URL / REDIS_URL when set and reachable, and DynamoDB Local
# when Java 17+ is installed; otherwise they are skipped and the reason is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "── lint" && pnpm exec eslint . --max-warnings=0
echo "── typecheck" && pnpm exec tsc -p tsconfig.check.json
echo "── jest"
report="$(mktemp -t strata-jest-XXXXXX.json)"
trap 'rm -f "$report"' EXIT
status=0
pnpm exec jest --ci --json --outputFile="$report" "$@" || status=$?
# One plain closing line with the counts, whatever the runner printed above.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$report" 2>/dev/null || echo "jest: no report (the run did not finish)"
exit "$status"
