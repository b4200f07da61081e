#!/usr/bin/env bash
# Runs every test project of the solution and ends with one line: "N passed, N failed".
# First installs what the tests need (scripts/install-test-deps.sh: idempotent, skips what is there),
# so this one command is the whole set-up on a fresh clone. Servers the tests use (CPython, the SQS
# emulator) are started by the tests themselves, bound to 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
bash scripts/install-test-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
results=$(mktemp -d)
dotnet test ThreadedLogging.sln --logger trx --results-directory "$results" "$@"
rc=$?
# Each test project writes a .trx file whose <Counters .../> element holds its totals; add them up.
count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed)
failed=$(count failed)
rm -rf "$results"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$rc"
