#!/bin/sh
# Rewrite testdata/golden/*.out from ./offtrace (or the program given as
# the first argument), after a deliberate change of output.  Review the
# diff (git diff testdata/golden) before committing it.
#   sh tests/update-golden.sh [PROG]
set -eu
PROG=${1:-./offtrace}
export TZ=UTC LC_ALL=C
unset COLUMNS	# the text report is 80 columns wide, as in tests/cli/golden.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PROG" ingest -q --db "$tmp/samples.db" testdata/samples/*.jsonl
tab=$(printf '\t')
mkdir -p testdata/golden
grep -v '^#' testdata/TESTLIST | while IFS= read -r line; do
	[ -n "$line" ] || continue
	set -f
	IFS=$tab
	# shellcheck disable=SC2086
	set -- $line
	IFS=' '
	set +f
	name=$1
	shift 2
	for a in "$@"; do
		shift
		[ "$a" = @DB@ ] && a=$tmp/samples.db
		set -- "$@" "$a"
	done
	"$PROG" "$@" > "testdata/golden/$name.out" 2>/dev/null || true
	echo "wrote testdata/golden/$name.out"
done
