#!/bin/sh
# Rewrite testdata/golden/*.out from the current ./offtrace, after a
# deliberate change of output.  Review the diff before committing it.
set -eu
PROG=${1:-./offtrace}
export TZ=UTC LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PROG" ingest -q -o "$tmp/samples.db" testdata/samples/*.jsonl
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
