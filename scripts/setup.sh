#!/usr/bin/env bash
# Installs what a clean checkout needs: Node 22 (over an older system node), pnpm 10, the
# workspace's dependencies, and a build. Safe to run again: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  say "Node $(node -v 2>/dev/null || echo none) found; installing Node 22 from the npm registry"
  npm i -g --force node@22 >/dev/null 2>&1 || { say "could not install node@22 (npm i -g --force node@22)"; exit 1; }
  hash -r
  [ "$(node_major)" -ge 22 ] || { say "node -v still reports $(node -v); put Node 22 first on PATH"; exit 1; }
fi
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v | cut -d. -f1)" -lt 10 ]; then
  say "installing pnpm 10"
  # --prefix: with node@22 installed as an npm package, npm's global prefix moves off PATH.
  npm i -g --prefix /usr/local pnpm@10 >/dev/null 2>&1 || npm i -g pnpm@10 >/dev/null
  hash -r
fi
# promtool (Debian's `prometheus` package) checks the /metrics text in the e2e tier; as root with
# apt, it is installed when missing (elsewhere that check is skipped with its reason printed).
if ! command -v promtool >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing promtool (Debian package prometheus)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >/dev/null 2>&1 || say "could not install promtool"
fi
stamp=node_modules/.strata-install-stamp
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "installing dependencies (pnpm install)"
  pnpm install --frozen-lockfile --reporter=silent || pnpm install --frozen-lockfile
  touch "$stamp"
fi
# Build only when a source or config changed since the last build, so `./strata help` is instant.
build_stamp=node_modules/.strata-build-stamp
if [ ! -f "$build_stamp" ] || [ ! -f packages/runtime/dist/cli.js ] || \
   [ -n "$(find packages infra bench tsconfig*.json package.json -newer "$build_stamp" \( -name '*.ts' -o -name '*.json' -o -name '*.sql' \) -not -path '*/node_modules/*' -not -path '*/dist/*' -not -path '*/cdk.out/*' -print -quit 2>/dev/null)" ]; then
  say "building (tsc -b)"
  pnpm exec tsc -b
  touch "$build_stamp"
fi
# The web app (packages/web): its API client is generated from the built API's OpenAPI document.
web=packages/web/dist/index.html
if [ ! -f "$web" ] || [ -n "$(find packages/web/src packages/web/index.html packages/web/vite.config.ts packages/api/dist/http/openapi.js -newer "$web" 2>/dev/null | head -1)" ]; then
  say "building the web app (vite)"
  pnpm --silent --filter @strata/web run build
fi
# Browser tests drive Debian's Chromium (never a downloaded browser); root installs it where missing.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium for the browser tests (apt-get)"
  { apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; } >/dev/null 2>&1 || say "could not install chromium: the browser tests will be skipped"
fi
