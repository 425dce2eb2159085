#!/usr/bin/env bash
# Sets up a fresh machine (Debian, Node 20, npm): pnpm 10.34.9, Debian chromium for the browser
# tests (when run as root with apt available), the workspace's dependencies, and a build.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

if [ "$(pnpm --version 2>/dev/null || true)" != "10.34.9" ]; then
  echo "bootstrap: installing pnpm 10.34.9"
  npm install -g pnpm@10.34.9 >/dev/null
fi
export PATH="$(npm prefix -g)/bin:$PATH"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian chromium (browser tests)"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "bootstrap: chromium not found; install Debian's chromium for the browser tests (apt-get install chromium)"
  fi
fi

# the native backend (@recurrent/backend-native) builds at `pnpm install` from C with node-gyp and
# links OpenBLAS through pkg-config; without them it installs unbuilt and its tests fail naming them
missing_native=""
command -v cc >/dev/null 2>&1 && command -v make >/dev/null 2>&1 || missing_native="build-essential"
command -v pkg-config >/dev/null 2>&1 || missing_native="$missing_native pkg-config"
pkg-config --exists openblas 2>/dev/null || missing_native="$missing_native libopenblas-dev"
if [ -n "$missing_native" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing$missing_native (the native backend)"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing_native python3 >/dev/null
  else
    echo "bootstrap: missing $missing_native for the native backend (apt-get install build-essential libopenblas-dev pkg-config)"
  fi
fi

pnpm install --frozen-lockfile
pnpm turbo run build --output-logs=errors-only
