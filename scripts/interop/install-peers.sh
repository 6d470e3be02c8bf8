#!/usr/bin/env bash
# Install the interop peers into the cache folder and record where they are.
#
#   sops    the real sops binary, built by `go install` from the Go module proxy
#   lowkey  the Lowkey Vault Spring Boot jar, copied from Maven Central by mvn
#
# Usage: install-peers.sh [sops] [lowkey]     (no argument installs both)
#
# Environment:
#   AZKV_INTEROP_CACHE   cache folder (default <repo>/.cache/interop)
#   AZKV_LOWKEY_VERSION  Lowkey Vault release (default in lib.sh)
#   AZKV_LOWKEY_JAVA     java binary for Lowkey Vault (default: a Java 25 or
#                        newer from /usr/lib/jvm or PATH)
#
# A peer that is already in the cache at the expected version is kept. Each
# install prints its duration and appends it to <cache>/install-times.log.
# Paths go to <cache>/peers.env (AZKV_SOPS_BIN, AZKV_LOWKEY_JAR,
# AZKV_LOWKEY_JAVA), which start-lowkey.sh reads. The script exits non-zero
# when any requested peer fails to install, and it never skips one.
set -euo pipefail

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOWKEY_VERSION=${AZKV_LOWKEY_VERSION:-$LOWKEY_DEFAULT_VERSION}
LOG_DIR=$INTEROP_CACHE/logs

now() { date +%s.%N; }
elapsed_since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }

record_time() {
  local peer=$1 version=$2 seconds=$3 outcome=$4
  printf '%s %s %s %s %ss\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$peer" "$version" "$outcome" "$seconds" \
    >> "$INTEROP_CACHE/install-times.log"
}

# Print the sops module version a binary was built from, or nothing.
sops_build_version() {
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/getsops/sops/v3" { print $3 }'
}

install_sops() {
  local bin=$INTEROP_CACHE/bin/sops
  command -v go > /dev/null ||
    die "go not found on PATH; sops v$SOPS_VERSION is installed with 'go install' and its go.mod asks for Go 1.25.8 or newer."

  if [ -x "$bin" ] && [ "$(sops_build_version "$bin")" = "v$SOPS_VERSION" ]; then
    note "sops v$SOPS_VERSION already installed"
  else
    local start log=$LOG_DIR/sops-install.log
    start=$(now)
    note "installing sops v$SOPS_VERSION with go install (log: $log)"
    if ! GOBIN=$INTEROP_CACHE/bin go install "github.com/getsops/sops/v3/cmd/sops@v$SOPS_VERSION" > "$log" 2>&1; then
      local seconds
      seconds=$(elapsed_since "$start")
      record_time sops "$SOPS_VERSION" "$seconds" failed
      tail -n 20 "$log" >&2
      die "failed to install sops v$SOPS_VERSION with go install after ${seconds}s; see $log. The Go module proxy must be reachable."
    fi
    local seconds
    seconds=$(elapsed_since "$start")
    record_time sops "$SOPS_VERSION" "$seconds" installed
    note "installed sops v$SOPS_VERSION in ${seconds}s"
  fi

  # Without the opt-out, `sops --version` queries the GitHub API for the newest release.
  local reported
  reported=$(SOPS_DISABLE_VERSION_CHECK=1 "$bin" --disable-version-check --version 2>&1 | head -n 1) ||
    die "$bin does not run: $reported"
  [ "$reported" = "sops $SOPS_VERSION" ] || die "$bin reports '$reported', expected 'sops $SOPS_VERSION'."
  peer_env_set AZKV_SOPS_BIN "$bin"
  printf 'sops %s %s\n' "$SOPS_VERSION" "$bin"
}

# Print a java binary that can run Lowkey Vault 5.0.0 or newer (Java 25+).
# AZKV_LOWKEY_JAVA, when set, is the only candidate.
find_lowkey_java() {
  local candidate candidates
  if [ -n "${AZKV_LOWKEY_JAVA:-}" ]; then
    candidates=("$AZKV_LOWKEY_JAVA")
  else
    candidates=(/usr/lib/jvm/temurin-25*/bin/java "$(command -v java || true)")
  fi
  for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if [ "$(java_major_version "$candidate")" -ge 25 ] 2> /dev/null; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# Succeed when $1 is a Spring Boot executable jar whose start class is Lowkey Vault's.
is_lowkey_boot_jar() {
  local manifest
  manifest=$(unzip -p "$1" META-INF/MANIFEST.MF 2> /dev/null | tr -d '\r') || return 1
  grep -q '^Main-Class: org\.springframework\.boot\.loader\.' <<< "$manifest" &&
    grep -q '^Start-Class: com\.github\.nagyesta\.lowkeyvault\.' <<< "$manifest"
}

install_lowkey() {
  local dir=$INTEROP_CACHE/lowkey
  local jar=$dir/$LOWKEY_ARTIFACT-$LOWKEY_VERSION.jar
  local java
  if [ -n "${AZKV_LOWKEY_JAVA:-}" ] && ! find_lowkey_java > /dev/null; then
    die "AZKV_LOWKEY_JAVA=$AZKV_LOWKEY_JAVA is not a runnable Java 25 or newer (it reports Java '$(java_major_version "$AZKV_LOWKEY_JAVA" 2> /dev/null || true)'); Lowkey Vault $LOWKEY_VERSION needs Java 25."
  fi
  java=$(find_lowkey_java) || die "no Java 25 or newer found for Lowkey Vault $LOWKEY_VERSION (releases from 5.0.0 on are built for Java 25). Install one, or set AZKV_LOWKEY_JAVA to its java binary."
  command -v mvn > /dev/null || die "mvn not found on PATH; Lowkey Vault is copied from Maven Central with Maven."
  command -v unzip > /dev/null || die "unzip not found on PATH; it is needed to check the Lowkey Vault jar."

  if [ -f "$jar" ] && is_lowkey_boot_jar "$jar"; then
    note "Lowkey Vault $LOWKEY_VERSION already installed"
  else
    local start log=$LOG_DIR/lowkey-install.log work
    start=$(now)
    work=$(mktemp -d)
    note "copying $LOWKEY_GROUP:$LOWKEY_ARTIFACT:$LOWKEY_VERSION from Maven Central (log: $log)"
    # Lowkey Vault publishes its Spring Boot jar as the main artifact (no
    # classifier). Run from an empty folder so that no project POM is read.
    if ! (cd "$work" && mvn -B -U org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      "-Dartifact=$LOWKEY_GROUP:$LOWKEY_ARTIFACT:$LOWKEY_VERSION:jar" \
      "-DoutputDirectory=$dir" -Dmdep.overWriteReleases=true) > "$log" 2>&1; then
      rm -rf "$work"
      local seconds
      seconds=$(elapsed_since "$start")
      record_time lowkey "$LOWKEY_VERSION" "$seconds" failed
      grep -E 'ERROR' "$log" | head -n 5 >&2 || true
      die "failed to copy $LOWKEY_GROUP:$LOWKEY_ARTIFACT:$LOWKEY_VERSION from Maven Central after ${seconds}s; see $log. Check that this version is published (set AZKV_LOWKEY_VERSION to another) and that Maven Central is reachable."
    fi
    rm -rf "$work"
    is_lowkey_boot_jar "$jar" || die "$jar is not a Lowkey Vault Spring Boot jar (its manifest has no Spring Boot Main-Class or no Lowkey Vault Start-Class)."
    local seconds
    seconds=$(elapsed_since "$start")
    record_time lowkey "$LOWKEY_VERSION" "$seconds" installed
    note "installed Lowkey Vault $LOWKEY_VERSION in ${seconds}s"
  fi

  peer_env_set AZKV_LOWKEY_JAR "$jar"
  peer_env_set AZKV_LOWKEY_JAVA "$java"
  printf 'lowkey %s %s (java: %s)\n' "$LOWKEY_VERSION" "$jar" "$java"
}

main() {
  local peers=("$@")
  [ ${#peers[@]} -gt 0 ] || peers=(sops lowkey)
  mkdir -p "$INTEROP_CACHE" "$LOG_DIR"

  local peer failed=()
  for peer in "${peers[@]}"; do
    case $peer in
      sops | lowkey) ;;
      -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        return 0
        ;;
      *) die "unknown peer '$peer'; expected 'sops' or 'lowkey'." ;;
    esac
  done
  # Each install runs in a subshell so that one failure still lets the other
  # peer install, and the script reports every failure before exiting. The
  # status is read after the subshell, not in an `if`, because bash ignores
  # `set -e` inside a command whose status is tested.
  local status
  for peer in "${peers[@]}"; do
    set +e
    (
      set -e
      "install_$peer"
    )
    status=$?
    set -e
    [ "$status" -eq 0 ] || failed+=("$peer")
  done
  if [ ${#failed[@]} -gt 0 ]; then
    die "not installed: ${failed[*]}"
  fi
}

main "$@"
