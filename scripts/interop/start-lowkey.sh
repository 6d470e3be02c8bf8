#!/usr/bin/env bash
# Start Lowkey Vault in the background on 127.0.0.1 and print `export` lines
# that point sops (Go) and Node clients at it.
#
# Usage, inside isolate.sh:
#   eval "$(scripts/interop/start-lowkey.sh)"   ...   scripts/interop/stop-lowkey.sh
#
# Environment:
#   AZKV_INTEROP_CACHE          cache folder with peers.env (see install-peers.sh)
#   AZKV_LOWKEY_STATE           folder for the pid file, log and TLS files
#                               (default <cache>/lowkey-run)
#   AZKV_LOWKEY_START_TIMEOUT   seconds to wait for readiness (default 120)
#
# Lowkey Vault serves the vault over HTTPS on one port and its managed-identity
# token endpoint over plain HTTP on a second port. `--server.address` binds
# only the HTTPS connector: the token connector is an extra Tomcat connector
# that sets no address, so it listens on every interface. This script
# therefore exits with an error outside the loopback-only namespace of isolate.sh.
#
# The vault is https://interop.localhost:PORT (Lowkey registers NAME.localhost
# for each name in LOWKEY_VAULT_NAMES). Its 401 challenge names the resource
# https://localhost:PORT, because the Go and Node Key Vault clients accept a
# challenge only when the vault host ends with "." plus the resource host.
#
# NOTE: not yet run against a real Lowkey Vault jar, because Maven Central
# served no lowkey-vault-app artifact to this project's machines (2026-12).
# The flags follow the Lowkey Vault 7.3.74 sources (application.properties,
# LowkeyVaultApp, AppConfiguration, CommonAuthHeaderFilter).
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=${AZKV_LOWKEY_STATE:-$INTEROP_CACHE/lowkey-run}
TIMEOUT=${AZKV_LOWKEY_START_TIMEOUT:-120}
VAULT_NAME=interop

in_isolated_netns || die "Lowkey Vault's token endpoint listens on every interface, so start it only inside scripts/interop/isolate.sh (a network namespace with loopback only)."
getent hosts "$VAULT_NAME.localhost" | grep -q '^127\.0\.0\.1' ||
  die "$VAULT_NAME.localhost does not resolve to 127.0.0.1; run this script inside scripts/interop/isolate.sh, whose private /etc/hosts maps it."

JAR=$(peer_env_get AZKV_LOWKEY_JAR)
JAVA=$(peer_env_get AZKV_LOWKEY_JAVA)
[ -n "$JAR" ] && [ -f "$JAR" ] || die "Lowkey Vault jar not found (AZKV_LOWKEY_JAR in $INTEROP_CACHE/peers.env); run scripts/interop/install-peers.sh lowkey first."
[ -n "$JAVA" ] && [ -x "$JAVA" ] || die "java for Lowkey Vault not found (AZKV_LOWKEY_JAVA in $INTEROP_CACHE/peers.env); run scripts/interop/install-peers.sh lowkey first."
command -v openssl > /dev/null || die "openssl not found on PATH; it creates the vault's TLS certificate."
command -v curl > /dev/null || die "curl not found on PATH; it checks that the vault is ready."
command -v node > /dev/null || die "node not found on PATH; it picks free ports."

mkdir -p "$STATE"
PID_FILE=$STATE/lowkey.pid
if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2> /dev/null; then
  die "Lowkey Vault is already running (pid $(cat "$PID_FILE")); stop it with scripts/interop/stop-lowkey.sh."
fi

# Two free loopback ports, one for the vault and one for the token endpoint.
read -r VAULT_PORT TOKEN_PORT < <(node -e '
  const net = require("node:net");
  const open = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => resolve(s)); });
  Promise.all([open(), open()]).then((servers) => {
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  });')

# A fresh self-signed certificate per start, in place of the key store built
# into the jar, whose private key is public. Its PEM file is what SSL_CERT_FILE
# and NODE_EXTRA_CA_CERTS trust.
CERT=$STATE/tls.crt
KEY_STORE_PASSWORD=$(openssl rand -hex 16)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=azkv interop Lowkey Vault" \
  -addext "subjectAltName=DNS:localhost,DNS:$VAULT_NAME.localhost,IP:127.0.0.1" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -keyout "$STATE/tls.key" -out "$CERT" 2> "$STATE/openssl.log" || die "failed to create a TLS certificate; see $STATE/openssl.log."
openssl pkcs12 -export -in "$CERT" -inkey "$STATE/tls.key" -name lowkey -out "$STATE/tls.p12" \
  -passout "pass:$KEY_STORE_PASSWORD" 2>> "$STATE/openssl.log" || die "failed to create the PKCS#12 key store; see $STATE/openssl.log."

LOG=$STATE/lowkey.log
note "starting Lowkey Vault: vault https://$VAULT_NAME.localhost:$VAULT_PORT, token endpoint port $TOKEN_PORT (log: $LOG)"
# The key store password goes through the environment (Spring Boot relaxed
# binding) rather than the command line, which other users can read with ps.
SERVER_SSL_KEY_STORE_PASSWORD=$KEY_STORE_PASSWORD nohup "$JAVA" -jar "$JAR" \
  --server.address=127.0.0.1 \
  --server.port="$VAULT_PORT" \
  --app.token.port="$TOKEN_PORT" \
  --server.ssl.key-store="file:$STATE/tls.p12" \
  --server.ssl.key-store-type=PKCS12 \
  --server.ssl.key-alias=lowkey \
  --LOWKEY_VAULT_NAMES="$VAULT_NAME" \
  --LOWKEY_AUTH_RESOURCE="localhost:$VAULT_PORT" \
  > "$LOG" 2>&1 < /dev/null &
PID=$!
printf '%s\n' "$PID" > "$PID_FILE"

VAULT_URL=https://$VAULT_NAME.localhost:$VAULT_PORT
TOKEN_URL=http://127.0.0.1:$TOKEN_PORT/metadata/identity/oauth2/token
deadline=$((SECONDS + TIMEOUT))
until curl --silent --fail --noproxy '*' --cacert "$CERT" --output /dev/null "$VAULT_URL/ping" &&
  curl --silent --fail --noproxy '*' --output /dev/null "$TOKEN_URL?resource=https://localhost:$VAULT_PORT"; do
  if ! kill -0 "$PID" 2> /dev/null; then
    rm -f "$PID_FILE"
    tail -n 20 "$LOG" >&2
    die "Lowkey Vault exited during startup; see $LOG."
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    kill "$PID" 2> /dev/null || true
    rm -f "$PID_FILE"
    tail -n 20 "$LOG" >&2
    die "Lowkey Vault was not ready within ${TIMEOUT}s (GET $VAULT_URL/ping and the token endpoint); see $LOG."
  fi
  sleep 1
done
note "Lowkey Vault ready (pid $PID)"

printf 'export AZKV_LOWKEY_PID=%q\n' "$PID"
printf 'export AZKV_INTEROP_VAULT_URL=%q\n' "$VAULT_URL"
printf 'export AZKV_INTEROP_CA_FILE=%q\n' "$CERT"
# Go reads SSL_CERT_FILE at the first TLS handshake. Node reads
# NODE_EXTRA_CA_CERTS only when the process starts.
printf 'export SSL_CERT_FILE=%q\n' "$CERT"
printf 'export NODE_EXTRA_CA_CERTS=%q\n' "$CERT"
# App Service managed identity: azidentity (Go) and @azure/identity (Node) send
# GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=... with the header
# X-IDENTITY-HEADER. Lowkey Vault ignores the header value, but both clients
# choose this source only when IDENTITY_HEADER is set.
printf 'export AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential\n'
printf 'export IDENTITY_ENDPOINT=%q\n' "$TOKEN_URL"
printf 'export IDENTITY_HEADER=azkv-interop\n'
printf 'export SOPS_DISABLE_VERSION_CHECK=1\n'
