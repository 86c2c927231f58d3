#!/usr/bin/env bash
# The ONE test command: installs packages (as root), builds everything, and
# runs every test with CTest. Tests start their own redis-server instances on
# free loopback ports and the real service binaries on port 0, and stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR="${LABOR_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "${LABOR_JOBS:-$(nproc)}"
cd "$BUILD_DIR"
ctest --output-on-failure -j "${LABOR_TEST_JOBS:-2}" "$@"
