#!/bin/sh
# The man page lints clean and documents every option of every --help.
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
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "INPUT FORMATS" DATABASE OUTPUT "EXIT STATUS" EXAMPLES LIMITS; do
	ok "docs/section-$sec" grep -q "^\.SH \"*$sec\"*\$" "$man"
done
for cmd in "" analyze ingest report check show query gen info dump flows export tmf profile; do
	# shellcheck disable=SC2086
	"$PROG" $cmd --help > "$TMP/help" 2>&1 || { fail "docs/$cmd --help exit status"; continue; }
	for o in $(grep -o -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u); do
		# the man page writes options as \-\-name
		esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		if grep -q -- "$esc" "$man"; then
			pass "docs/${cmd:-offtrace}$o"
		else
			fail "docs/${cmd:-offtrace}$o: in --help, missing from $man"
		fi
	done
done
# the README's two commands
ok "docs/readme-demo" grep -q '^make demo$' README.md
ok "docs/readme-check" grep -q '^make check$' README.md
ok "docs/ci-runs-make-check" grep -q 'make check' .ci/run
exit 0
