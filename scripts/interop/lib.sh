# Shared helpers for the interop scripts. Sourcing this file defines functions
# and the variables INTEROP_REPO and INTEROP_CACHE, and runs nothing else.

INTEROP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
INTEROP_CACHE=${AZKV_INTEROP_CACHE:-$INTEROP_REPO/.cache/interop}

# The sops release whose file format azkv reproduces.
SOPS_VERSION=3.13.2
# Lowkey Vault 7.3.0 is the first release line whose source serves the Key
# Vault api-version 2025-07-01, which sops 3.13.2 (azkeys v1.5.0) and
# @azure/keyvault-keys 4.10.2 send. Every release from 5.0.0 on needs Java 25.
LOWKEY_DEFAULT_VERSION=7.3.74
LOWKEY_GROUP=com.github.nagyesta.lowkey-vault
LOWKEY_ARTIFACT=lowkey-vault-app

die() {
  printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

note() {
  printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

# Print the value of KEY from <cache>/peers.env, or nothing when it is unset.
peer_env_get() {
  local file=$INTEROP_CACHE/peers.env
  [ -f "$file" ] || return 0
  sed -n "s/^$1=//p" "$file" | tail -n 1
}

# Set KEY=VALUE in <cache>/peers.env, replacing an earlier value.
peer_env_set() {
  local file=$INTEROP_CACHE/peers.env
  mkdir -p "$INTEROP_CACHE"
  touch "$file"
  grep -v "^$1=" "$file" > "$file.tmp" || true
  printf '%s=%s\n' "$1" "$2" >> "$file.tmp"
  mv "$file.tmp" "$file"
}

# Print the major version of the Java runtime at $1 (17, 21, 25, ...).
java_major_version() {
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | cut -d. -f1
}

# Succeed when this shell runs in a network namespace whose only interface
# with an address is loopback, which is what isolate.sh sets up.
in_isolated_netns() {
  local others
  others=$(ip -o addr show 2>/dev/null | awk '$2 != "lo"' | wc -l)
  [ "$others" -eq 0 ] && [ -z "$(ip route show default 2>/dev/null)" ] && [ -z "$(ip -6 route show default 2>/dev/null)" ]
}
