#!/bin/sh
# check-layers.sh OBJDIR: no include loop and no call loop between files,
# and no call from a layer to one above it (doc/architecture.md):
#
#   9 src/main.c src/cmd_*.c   the commands
#   8 src/cli.c                what the commands share
#   7 src/ingest.c             the pipeline
#   6 src/report/ src/gen/     reports; synthetic traces
#     src/fleet/               the fleet in ClickHouse (reads store, report)
#   5 src/store/               SQLite
#   4 src/engine/              the state machine and rules
#   3 src/source/              one interface for every input kind
#   2 src/decode/              records -> normalized events (profiles)
#   1 src/read/                file formats
#   0 src/util/, generated     shared helpers; embedded schema and profile
#
# Calls: from the object files in OBJDIR (`nm`), file A calls file B when A
# has an undefined global symbol that B defines.  Includes: the quoted
# #include lines of src/ and include/.  A loop in either graph (A reaches B
# and B reaches A) is printed, and the exit status is 1.  With -v, the call
# graph is printed too, a line per file.
set -u
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
objdir=${1:?usage: check-layers.sh [-v] OBJDIR}
root=${OT_LAYERS_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
status=0

# loops FILE: FILE has "from to" edges; print each pair in a loop, once
loops() {
	awk '
	BEGIN { n = 0 }
	{ if (!($1 in id)) { id[$1] = n; name[n++] = $1 }
	  if (!($2 in id)) { id[$2] = n; name[n++] = $2 }
	  r[id[$1], id[$2]] = 1 }
	END {
		for (k = 0; k < n; k++)
			for (i = 0; i < n; i++)
				if ((i, k) in r)
					for (j = 0; j < n; j++)
						if ((k, j) in r)
							r[i, j] = 1
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if ((i, j) in r && (j, i) in r)
					print name[i] " <-> " name[j]
	}' "$1"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$objdir/obj" -name '*.o' | sort | while read -r o; do
	f=${o#"$objdir/obj/"}
	f=src/${f%.o}.c
	# an object left from a source file that is gone; generated files
	# (the embedded schema and profile) sit at the top of obj/
	case $f in src/*/*) [ -f "$root/$f" ] || continue ;; *) [ -f "$root/$f" ] || [ -f "$objdir/${f#src/}" ] || continue ;; esac
	nm -g --defined-only "$o" | awk -v f="$f" '$2 ~ /[TDBR]/ { print $3, f }' >>"$tmp/defs"
	nm -u "$o" | awk -v f="$f" '{ print $NF, f }' >>"$tmp/uses"
done
awk 'NR == FNR { def[$1] = $2; next }
     ($1 in def) && def[$1] != $2 { print $2, def[$1] }' "$tmp/defs" "$tmp/uses" |
	sort -u >"$tmp/calls"
if [ $verbose = 1 ]; then
	awk '{ a[$1] = a[$1] " " $2 } END { for (k in a) print k ":" a[k] }' "$tmp/calls" | sort
fi
awk '
function rank(f) {
	if (f ~ /^src\/(main|cmd_[a-z_]*)\.c$/) return 9
	if (f == "src/cli.c") return 8
	if (f == "src/ingest.c") return 7
	if (f ~ /^src\/(report|gen|fleet)\//) return 6
	if (f ~ /^src\/store\//) return 5
	if (f ~ /^src\/engine\//) return 4
	if (f ~ /^src\/source\//) return 3
	if (f ~ /^src\/decode\//) return 2
	if (f ~ /^src\/read\//) return 1
	if (f ~ /^src\/util\// || f ~ /^src\/[a-z_]*\.c$/) return 0
	return -1
}
{
	a = rank($1); b = rank($2)
	if (a < 0) print "  " $1 ": in no layer (add it to tools/check-layers.sh)"
	else if (b > a) print "  " $1 " (layer " a ") calls " $2 " (layer " b ")"
}' "$tmp/calls" | sort -u >"$tmp/upcalls"
if [ -s "$tmp/upcalls" ]; then
	echo "calls up the layers:"
	cat "$tmp/upcalls"
	status=1
fi
loops "$tmp/calls" >"$tmp/callloops"
if [ -s "$tmp/callloops" ]; then
	echo "call loops (file A calls B and B, directly or not, calls A):"
	sed 's/^/  /' "$tmp/callloops"
	status=1
fi

cd "$root" || exit 2
for f in $(find src include -name '*.[ch]' 2>/dev/null | sort); do
	d=$(dirname "$f")
	sed -n 's/^#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
		if [ -f "$d/$inc" ]; then
			t=$d/$inc
		elif [ -f "include/$inc" ]; then
			t=include/$inc
		else
			continue
		fi
		echo "$f $(realpath --relative-to=. "$t")"
	done
done >"$tmp/incs"
loops "$tmp/incs" >"$tmp/incloops"
if [ -s "$tmp/incloops" ]; then
	echo "include loops:"
	sed 's/^/  /' "$tmp/incloops"
	status=1
fi
[ $status = 0 ] && echo "layers: no call loop between $(wc -l <"$tmp/calls") call edges, no include loop"
exit $status
