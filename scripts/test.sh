#!/usr/bin/env bash
# Runs every test project of the solution and ends with one line: "N passed, N failed".
# Servers the tests need (CPython, the SQS emulator, PostgreSQL, Chromium) are started by the tests
# themselves, bound to 127.0.0.1; .ci/run installs them on a fresh machine.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
dotnet test ThreadedLogging.sln --logger "console;verbosity=normal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# Each test project prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T ..."; add them up.
passed=$(grep -aE '^(Passed|Failed)!' "$log" | grep -aoE 'Passed:[[:space:]]+[0-9]+' | awk '{s+=$2} END {print s+0}')
failed=$(grep -aE '^(Passed|Failed)!' "$log" | grep -aoE 'Failed:[[:space:]]+[0-9]+' | awk '{s+=$2} END {print s+0}')
rm -f "$log"
passed=${passed:-0}; failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$rc"
