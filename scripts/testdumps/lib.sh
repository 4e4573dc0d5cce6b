# shellcheck shell=bash
# Shared helpers for scripts/make-testdumps and scripts/testdumps/*.sh.
# Source it; it defines:
#   REPO   the repository root
#   CACHE  ${VMCORE_TESTDUMPS:-$HOME/.cache/vmcore-testdumps} (created)
#   log MSG...        progress line on stderr ("[make-testdumps HH:MM:SS] MSG")
#   die MSG...        one-line failure on stderr, exit 1
#   need_pkgs PKG...  apt-get install -y --no-install-recommends the ones not installed
#   manifest_add PKG VERSION / manifest_note TEXT   append to $CACHE/manifest.txt (no duplicates)

if [[ -z "${_TESTDUMPS_LIB_SOURCED:-}" ]]; then
_TESTDUMPS_LIB_SOURCED=1

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${VMCORE_TESTDUMPS:-$HOME/.cache/vmcore-testdumps}"
mkdir -p "$CACHE"
export CACHE REPO

log() {
    printf '[%s %s] %s\n' "${LOG_TAG:-make-testdumps}" "$(date +%H:%M:%S)" "$*" >&2
}

die() {
    printf '[%s %s] ERROR: %s\n' "${LOG_TAG:-make-testdumps}" "$(date +%H:%M:%S)" "$*" >&2
    exit 1
}

# need_pkgs PKG... : install the given Debian packages on the host if they are missing.
need_pkgs() {
    local missing=() p
    for p in "$@"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$p")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    log "installing host packages: ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2; then
        log "apt-get install failed; running apt-get update and retrying"
        apt-get update >&2 || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2 \
            || die "apt-get install ${missing[*]} failed"
    fi
}

# manifest_add PKG VERSION : record a package used to build the test dumps (idempotent).
manifest_add() {
    local line="$1 $2"
    touch "$CACHE/manifest.txt"
    grep -qxF "$line" "$CACHE/manifest.txt" || printf '%s\n' "$line" >>"$CACHE/manifest.txt"
}

# manifest_note TEXT : record a "# note: TEXT" line (idempotent).
manifest_note() {
    local line="# note: $*"
    touch "$CACHE/manifest.txt"
    grep -qxF "$line" "$CACHE/manifest.txt" || printf '%s\n' "$line" >>"$CACHE/manifest.txt"
}

fi
