#!/usr/bin/env bash
# Export (support console): streams GET /api/events/export of a store to /dev/null and reports events/s and the
# collector's resident memory before, during (sampled every 0.2 s) and at its peak (VmHWM: the kernel's high-water mark).
#   dotnet build -c Release src/ThreadedLogging.Collector
#   bash bench/export-rss.sh <data dir> [query, e.g. "format=csv" or "user=user42"]
# CURL_ARGS=--compressed asks for gzip (as browsers do); the bytes counted are then the decompressed file.
# More collector settings in COLLECTOR_ARGS, e.g. COLLECTOR_ARGS="--Collector:Store=postgres --ConnectionStrings:Events=Host=..."
# COLLECTOR_DLL runs another build (an A/B of two commits on the same store), e.g. a copy of bin/Release/net10.0 of each.
# A copy of the data dir is a good idea: the collector opens it read-write (WAL, schema upgrade if older).
set -euo pipefail
data=${1:?data directory}
query=${2:-format=ndjson}
dll=${COLLECTOR_DLL:-$(dirname "$0")/../src/ThreadedLogging.Collector/bin/Release/net10.0/ThreadedLogging.Collector.dll}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086 # COLLECTOR_ARGS is a list of arguments
dotnet "$dll" --data "$data" --urls "http://127.0.0.1:$port" --Logging:LogLevel:Default=Warning ${COLLECTOR_ARGS:-} >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
rss() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }
echo "collector pid $pid, RSS after start: $(( $(rss) / 1024 )) MiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"
samples=$(mktemp)
( while kill -0 $pid 2>/dev/null; do rss >>"$samples"; sleep 0.2; done ) &
sampler=$!
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; } # user + system clock ticks of the collector
cpu_start=$(cpu)
start=$(date +%s.%N)
# shellcheck disable=SC2086 # CURL_ARGS is a list of arguments
lines=$(curl -fsS ${CURL_ARGS:-} "http://127.0.0.1:$port/api/events/export?$query" | tee >(wc -c >"$samples.bytes") | wc -l)
end=$(date +%s.%N)
cpu_end=$(cpu)
kill $sampler 2>/dev/null || true
peak=$(awk '/^VmHWM/ {print $2}' /proc/$pid/status)
python3 - "$samples" "$lines" "$start" "$end" "$peak" "$query" "$cpu_start" "$cpu_end" "$(getconf CLK_TCK)" <<'PY'
import sys, statistics
samples=[int(x) for x in open(sys.argv[1]).read().split()]
lines=int(sys.argv[2]); seconds=float(sys.argv[4])-float(sys.argv[3]); peak=int(sys.argv[5])
size=int(open(sys.argv[1]+".bytes").read().split()[0])
q=len(samples)//4 or 1
print(f"query {sys.argv[6]}: {lines:,} lines, {size/2**20:,.0f} MiB in {seconds:.1f} s = {lines/seconds:,.0f} lines/s, {size/2**20/seconds:.1f} MiB/s")
cpu=(int(sys.argv[8])-int(sys.argv[7]))/int(sys.argv[9])
print(f"collector CPU (user + system) during the export: {cpu:.1f} s = {cpu*1e6/max(lines,1):.2f} µs per line")
print("RSS by tenth of the export (MiB): " + " ".join(str(round(statistics.median(samples[i*len(samples)//10:(i+1)*len(samples)//10] or samples)/1024)) for i in range(10)))
print(f"RSS during the export (MiB): first quarter median {statistics.median(samples[:q])/1024:.0f}, last quarter median {statistics.median(samples[-q:])/1024:.0f}, max sampled {max(samples)/1024:.0f}; VmHWM {peak/1024:.0f}")
PY
