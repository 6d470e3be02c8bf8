#!/usr/bin/env bash
# Stop the Lowkey Vault that start-lowkey.sh started, using its pid file.
#
# Usage: stop-lowkey.sh
# Environment: AZKV_INTEROP_CACHE, AZKV_LOWKEY_STATE (as for start-lowkey.sh)
#
# Sends SIGTERM, waits up to 30 seconds, then sends SIGKILL. A missing pid file
# or an exited process counts as stopped. The pid is signalled only while its
# command line still names the Lowkey Vault jar, so a pid that the system has
# reused for another process is left alone.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=${AZKV_LOWKEY_STATE:-$INTEROP_CACHE/lowkey-run}
PID_FILE=$STATE/lowkey.pid

if [ ! -f "$PID_FILE" ]; then
  note "no pid file at $PID_FILE; Lowkey Vault is not running."
  exit 0
fi
PID=$(cat "$PID_FILE")
[[ "$PID" =~ ^[0-9]+$ ]] || die "$PID_FILE does not contain a process id: '$PID'."

if ! tr '\0' ' ' < "/proc/$PID/cmdline" 2> /dev/null | grep -q "$LOWKEY_ARTIFACT"; then
  note "process $PID is not running Lowkey Vault any more; removing $PID_FILE."
  rm -f "$PID_FILE"
  exit 0
fi

kill -TERM "$PID"
for _ in $(seq 30); do
  kill -0 "$PID" 2> /dev/null || break
  sleep 1
done
if kill -0 "$PID" 2> /dev/null; then
  note "Lowkey Vault (pid $PID) did not stop within 30s of SIGTERM; sending SIGKILL."
  kill -KILL "$PID"
fi
rm -f "$PID_FILE"
note "stopped Lowkey Vault (pid $PID)"
