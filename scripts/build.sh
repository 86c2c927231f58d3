#!/usr/bin/env bash
# Configures and builds everything into build/ (or $LABOR_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${LABOR_BUILD_DIR:-build}"
BUILD_TYPE="${LABOR_BUILD_TYPE:-RelWithDebInfo}"
JOBS="${LABOR_JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
