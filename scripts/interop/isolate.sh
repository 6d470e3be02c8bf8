#!/usr/bin/env bash
# Run a command in a private network namespace that has only a loopback
# interface, with a private /etc/hosts and /etc/resolv.conf.
#
# Usage: isolate.sh COMMAND [ARG...]
#
# Inside, nothing can reach another host, because the namespace has no route
# and the private resolv.conf sends DNS queries to 127.0.0.1. The private hosts file
# maps these names to 127.0.0.1, so that Go (sops) and Node reach a local
# vault under a name whose parent domain can be the Key Vault challenge
# resource:
#   localhost, interop.localhost, vault.localhost, interop.vault.localhost,
#   the machine's host name, and every name in AZKV_INTEROP_EXTRA_HOSTS
#   (separated by spaces).
# The machine's own /etc/hosts and /etc/resolv.conf stay unchanged: the bind
# mounts exist only in the command's mount namespace and end with it.
#
# Processes inside reach only servers started inside the same namespace, so
# start the vault, the token endpoint and the clients all under one call.
# Root runs `unshare --net --mount`; another user also gets a user namespace
# (--map-root-user), which the kernel must allow.
# Exports AZKV_INTEROP_ISOLATED=1 to the command.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -gt 0 ] || die "missing command. Usage: isolate.sh COMMAND [ARG...]"

if [ "${AZKV_INTEROP_ISOLATE_STAGE:-}" != inside ]; then
  command -v unshare > /dev/null || die "unshare (util-linux) not found on PATH."
  command -v ip > /dev/null || die "ip (iproute2) not found on PATH; it brings up loopback in the new namespace."
  flags=(--net --mount --propagation private)
  [ "$(id -u)" -eq 0 ] || flags+=(--map-root-user)
  exec unshare "${flags[@]}" -- env AZKV_INTEROP_ISOLATE_STAGE=inside \
    AZKV_INTEROP_OUTER_NS="$(readlink /proc/self/ns/net) $(readlink /proc/self/ns/mnt)" "$0" "$@"
fi

# Guard against running the inside stage in the caller's own namespaces,
# where the bind mounts below would hide the real /etc/hosts.
read -r outer_net outer_mnt <<< "${AZKV_INTEROP_OUTER_NS:-}"
[ -n "${outer_net:-}" ] && [ "$(readlink /proc/self/ns/net)" != "$outer_net" ] || die "not in a private network namespace."
[ -n "${outer_mnt:-}" ] && [ "$(readlink /proc/self/ns/mnt)" != "$outer_mnt" ] || die "not in a private mount namespace."
unset AZKV_INTEROP_ISOLATE_STAGE AZKV_INTEROP_OUTER_NS
ip link set lo up || die "failed to bring up loopback in the new network namespace."
in_isolated_netns || die "the new network namespace has an interface or a default route besides loopback: $(ip -o addr show | tr '\n' ';')"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  printf '127.0.0.1\tlocalhost interop.localhost vault.localhost interop.vault.localhost %s %s\n' \
    "$(hostname)" "${AZKV_INTEROP_EXTRA_HOSTS:-}"
  printf '::1\tlocalhost\n'
} > "$work/hosts"
printf 'nameserver 127.0.0.1\n' > "$work/resolv.conf"
mount --bind "$work/hosts" /etc/hosts || die "failed to bind-mount a private /etc/hosts."
mount --bind "$work/resolv.conf" /etc/resolv.conf || die "failed to bind-mount a private /etc/resolv.conf."

export AZKV_INTEROP_ISOLATED=1
# Not exec: the trap removes the temporary folder after the command ends.
set +e
"$@"
status=$?
exit "$status"
