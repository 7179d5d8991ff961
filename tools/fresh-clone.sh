#!/usr/bin/env bash
# The README's promise, checked end to end: clone the repository into a temp folder, `npm ci`, start
# `npx nx serve gateway` (which builds and starts the sandbox too), wait for /health/ready, create a
# payment with the README's curl line, get it back, stop. Slow (npm ci compiles better-sqlite3 when no
# prebuilt binary is reachable): run by the lead and CI, never by `npm test`.
#
# Usage: tools/fresh-clone.sh [repository, default: this checkout] [ref, default: HEAD]
# A clone holds committed files only: commit first. Ports: GATEWAY_PORT (3000), SANDBOX_MTLS_PORT (8443),
# SANDBOX_ONEWAY_PORT (8444); set them when another instance already uses the defaults.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="${1:-$here}"
ref="${2:-HEAD}"
gateway_port="${GATEWAY_PORT:-3000}"
mtls_port="${SANDBOX_MTLS_PORT:-8443}"
oneway_port="${SANDBOX_ONEWAY_PORT:-8444}"
ready_timeout="${READY_TIMEOUT_SECONDS:-300}"
base="http://localhost:${gateway_port}"
# The README's body, byte for byte: the script fails if the README stops promising it.
body='{"merchant":{"redirectUrl":"https://shop.example/return"},"payment":{"paymentMethod":["PIS"],"providerCountryCode":"LT","instructedAmount":{"amount":"12.34","currency":"EUR"}},"identifiers":{"merchantReference":"order-1"}}'

work="$(mktemp -d "${TMPDIR:-/tmp}/connectpay-fresh-clone.XXXXXX")"
serve_pid=""

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '\nFAILED: %s\n' "$*" >&2
  if [[ -f "$work/serve.log" ]]; then
    printf -- '--- last lines of nx serve gateway ---\n' >&2
    tail -n 40 "$work/serve.log" >&2
  fi
  exit 1
}
cleanup() {
  if [[ -n "$serve_pid" ]] && kill -0 "$serve_pid" 2>/dev/null; then
    # nx starts the gateway and the sandbox as children: stop the whole process group.
    kill -TERM -- "-$serve_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

for port in "$gateway_port" "$mtls_port" "$oneway_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is already in use: stop the other instance or set GATEWAY_PORT / SANDBOX_MTLS_PORT / SANDBOX_ONEWAY_PORT."
  fi
done

step "clone $repo ($ref) into $work/repo"
git clone --quiet "$repo" "$work/repo"
git -C "$work/repo" checkout --quiet "$ref"
cd "$work/repo"
grep -qF "$body" apps/gateway/README.md || fail "apps/gateway/README.md no longer shows the payment body this script sends."

step "npm ci"
npm ci --no-audit --no-fund

step "npx nx serve gateway (log: $work/serve.log)"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
export GATEWAY_PORT="$gateway_port" SANDBOX_MTLS_PORT="$mtls_port" SANDBOX_ONEWAY_PORT="$oneway_port"
export CONNECTPAY_LOCAL_MTLS_URL="https://127.0.0.1:${mtls_port}" CONNECTPAY_LOCAL_ONEWAY_URL="https://127.0.0.1:${oneway_port}"
setsid npx nx serve gateway >"$work/serve.log" 2>&1 &
serve_pid=$!

step "wait for $base/health/ready (up to ${ready_timeout}s)"
started=$SECONDS
until curl -sf "$base/health/ready" >/dev/null; do
  kill -0 "$serve_pid" 2>/dev/null || fail "nx serve gateway exited before the gateway was ready."
  (( SECONDS - started < ready_timeout )) || fail "the gateway was not ready after ${ready_timeout}s: $(curl -s "$base/health/ready" || true)"
  sleep 2
done
echo "ready after $((SECONDS - started))s"

step "create a payment (the README's curl line)"
created="$(curl -s -w '\n%{http_code}' "$base/v1/merchant/payments" -H 'x-api-key: local-dev-key' -H 'content-type: application/json' -d "$body")"
status="${created##*$'\n'}"
created="${created%$'\n'*}"
echo "$status $created"
[[ "$status" == "201" ]] || fail "creating a payment answered HTTP $status."
payment_id="$(node -e 'const b = JSON.parse(process.argv[1]); if (!b.payment?.paymentId) process.exit(1); console.log(b.payment.paymentId)' "$created")" ||
  fail "the answer holds no payment.paymentId."

step "get payment $payment_id"
fetched="$(curl -s -w '\n%{http_code}' "$base/v1/merchant/payments/$payment_id" -H 'x-api-key: local-dev-key')"
status="${fetched##*$'\n'}"
echo "$status ${fetched%$'\n'*}"
[[ "$status" == "200" ]] || fail "getting the payment answered HTTP $status."

step "stop"
kill -TERM -- "-$serve_pid"
for _ in $(seq 1 30); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 1; done
serve_pid=""
printf '\nOK: fresh clone -> npm ci -> nx serve gateway -> ready -> payment %s created and fetched.\n' "$payment_id"
