#!/bin/sh
# The man page lints clean, has its sections, names every command in its
# SYNOPSIS and COMMANDS, and documents the options of each command exactly:
# every option of 'offtrace CMD --help' is in the man page's OPTIONS
# subsection for CMD, and every option that subsection lists is in the
# --help of CMD.
. tests/lib.sh

man=man/offtrace.1
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -W warning "$man" 2>&1)
	if [ -z "$out" ]; then pass "docs/mandoc-lint"; else fail "docs/mandoc-lint: $out"; fi
elif command -v groff >/dev/null 2>&1; then
	out=$(groff -man -ww -z "$man" 2>&1)
	if [ -z "$out" ]; then pass "docs/groff-lint"; else fail "docs/groff-lint: $out"; fi
else
	skip "docs/lint: neither mandoc nor groff installed (apt-get install mandoc)"
fi
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "INPUT FORMATS" DATABASE OUTPUT \
	   ENVIRONMENT "EXIT STATUS" EXAMPLES LIMITS "SEE ALSO"; do
	ok "docs/section-$sec" grep -q "^\.SH \"*$sec\"*\$" "$man"
done

# the commands, as offtrace --help lists them
"$PROG" --help > "$TMP/help" 2>&1 || fail "docs/offtrace --help exit status"
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p' "$TMP/help")
ok "docs/offtrace --help lists commands" [ -n "$cmds" ]
# a section's lines, roff escapes and fonts removed
section() {
	awk -v s="$1" '/^\.SH /{on = ($0 == ".SH " s || $0 == ".SH \"" s "\""); next} on' "$man" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g'
}
section SYNOPSIS > "$TMP/synopsis"
section COMMANDS > "$TMP/commands"
for c in $cmds; do
	ok "docs/synopsis/$c" grep -q "^\.B offtrace $c\( \|\$\)" "$TMP/synopsis"
	# a COMMANDS entry is a .TP tag that starts with the command
	ok "docs/commands/$c" grep -q "^\.B $c\( \|\$\)" "$TMP/commands"
done

# COMMAND OPTION pairs of the man page: the options in the .TP tags of each
# subsection of OPTIONS, for each command its title names ("analyze,
# ingest and check"); "Common" is offtrace's own, and its -h, --help every
# command's.
awk '
/^\.SH / { inopt = ($0 == ".SH OPTIONS"); next }
!inopt { next }
/^\.SS / {
	t = substr($0, 5); gsub(/"/, "", t); gsub(/ and /, ", ", t)
	ncmd = split(t, cmds, /, */)
	if (t == "Common") { ncmd = 1; cmds[1] = "offtrace" }
	next
}
/^\.TP/ { tag = 1; next }
tag {
	tag = 0
	l = $0
	gsub(/\\f[BIRP]/, "", l); gsub(/\\-/, "-", l); gsub(/"/, " ", l)
	n = split(l, w, /[ ,]+/)
	for (i = 1; i <= n; i++)
		if (w[i] ~ /^--?[a-zA-Z][a-zA-Z0-9-]*(\[.*)?$/) {
			o = w[i]; sub(/\[.*/, "", o)
			if (o ~ /^-[a-zA-Z]$/ || o ~ /^--/)
				for (c = 1; c <= ncmd; c++) print cmds[c], o
		}
}' "$man" | sort -u > "$TMP/manopts"
ok "docs/man options found" [ -s "$TMP/manopts" ]
for c in offtrace $cmds; do
	if [ "$c" = offtrace ]; then
		"$PROG" --help > "$TMP/h" 2>&1
	else
		"$PROG" "$c" --help > "$TMP/h" 2>&1
	fi || { fail "docs/$c --help exit status"; continue; }
	# the options of --help: the lines that start with one ("  -o, --output DB")
	sed -n 's/^  *\(-[a-zA-Z], \)*\(--*[a-zA-Z][a-zA-Z0-9-]*\).*/\1\2/p' "$TMP/h" |
		tr ',' ' ' | tr ' ' '\n' | sed 's/\[.*//' | grep . | sort -u > "$TMP/helpopts"
	{
		sed -n "s/^$c //p" "$TMP/manopts"
		[ $c != offtrace ] && grep '^offtrace -\(h\|-help\)$' "$TMP/manopts" | cut -d' ' -f2
	} | sort -u > "$TMP/mine"
	if [ ! -s "$TMP/helpopts" ]; then
		fail "docs/$c --help: no option lines found"
		continue
	fi
	while read -r o; do
		if grep -qx -- "$o" "$TMP/mine"; then
			pass "docs/$c/$o"
		else
			fail "docs/$c/$o: in '$c --help', not in the man page's OPTIONS for $c"
		fi
	done < "$TMP/helpopts"
	while read -r o; do
		grep -qx -- "$o" "$TMP/helpopts" ||
			fail "docs/$c/$o: in the man page's OPTIONS for $c, not in '$c --help'"
	done < "$TMP/mine"
done
# the README's two commands
ok "docs/readme-demo" grep -q '^make demo$' README.md
ok "docs/readme-check" grep -q '^make check$' README.md
ok "docs/ci-runs-make-check" grep -q 'make check' .ci/run
exit 0
