# tests/lib.sh - shared by the shell test scripts: counting and reporting.
# Each script is run as: sh tests/X.sh PROG BUILD RESULTS
# and appends "pass NAME" / "fail NAME" / "skip NAME why" lines to RESULTS.

PROG=${1:?usage: $0 PROG BUILD RESULTS}
BUILD=${2:?}
RESULTS=${3:?}
export TZ=UTC LC_ALL=C
# the text report's width comes from $COLUMNS when not on a terminal
unset COLUMNS
SHARED=${OT_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/offtrace-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

pass() { echo "pass $*" >> "$RESULTS"; }
fail() { echo "fail $*" >> "$RESULTS"; echo "FAIL: $*" >&2; }
skip() { echo "skip $*" >> "$RESULTS"; echo "skip: $*" >&2; }
# ok NAME CMD...: pass when CMD succeeds
ok() { n=$1; shift; if "$@"; then pass "$n"; else fail "$n"; fi; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
