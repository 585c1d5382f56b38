#!/usr/bin/env bash
# The test command: lint, type-check, then every jest tier (unit, property, int, e2e, infra).
# Integration suites use DATABASE_URL / REDIS_URL when set and reachable, and DynamoDB Local
# when Java 17+ is installed; otherwise they are skipped and the reason is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "── lint" && pnpm exec eslint . --max-warnings=0
echo "── typecheck" && pnpm exec tsc -p tsconfig.check.json
echo "── jest" && pnpm exec jest --ci "$@"
