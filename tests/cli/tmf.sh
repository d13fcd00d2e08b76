#!/bin/sh
# offtrace tmf: every real TMF file parses, with message and argument
# counts checked against an independent count made here with awk; bad TMF
# files give exit 2 naming file and line.
. tests/lib.sh

# "number nargs" per distinct #typev block, from the file itself
awk_counts() {
	awk '
	/^#typev / { num = $3; block = $0; n = 0; inb = 0; want = 1; next }
	want && /^\{/ { inb = 1; want = 0; next }
	inb && /^\}/ { inb = 0; key = block "|" args; if (!(key in seen)) { seen[key] = 1; print num, n }; args = ""; next }
	inb && NF { n++; args = args "\n" $0; next }
	' "$1" | sort -n
}

check_one() {
	f=$1 name=$(basename "$1")
	if ! "$PROG" tmf --format jsonl "$f" > "$TMP/out.jsonl" 2> "$TMP/err"; then
		fail "tmf/$name: exit status: $(cat "$TMP/err")"
		return
	fi
	pass "tmf/$name parses"
	awk_counts "$f" > "$TMP/want"
	if command -v jq >/dev/null 2>&1; then
		jq -r '"\(.number) \(.args | length)"' "$TMP/out.jsonl" | sort -n > "$TMP/got"
	else
		sed 's/.*"number":\([0-9]*\).*"args":\[\([^]]*\)\].*/\1 \2/' "$TMP/out.jsonl" |
			awk '{ n = ($2 == "") ? 0 : gsub(/,/, ",", $2) + 1; print $1, n }' | sort -n > "$TMP/got"
	fi
	if cmp -s "$TMP/want" "$TMP/got"; then
		pass "tmf/$name: $(wc -l < "$TMP/want") messages, argument counts match"
	else
		fail "tmf/$name: counts differ: $(diff "$TMP/want" "$TMP/got" | head -n 5)"
	fi
	# every #typev number is listed
	want=$(grep '^#typev ' "$f" | awk '{ print $3 }' | sort -un | wc -l)
	got=$(sort -u "$TMP/got" | awk '{ print $1 }' | sort -un | wc -l)
	if [ "$want" = "$got" ]; then pass "tmf/$name: every number listed"; else fail "tmf/$name: $want numbers, listed $got"; fi
	# required keys in every object
	bad=$(grep -v '"guid":.*"number":.*"tag":.*"format":.*"args":.*"func":.*"level":.*"flags":' "$TMP/out.jsonl" | wc -l)
	if [ "$bad" = 0 ]; then pass "tmf/$name: jsonl keys"; else fail "tmf/$name: $bad objects miss keys"; fi
	# text format agrees on the count
	n=$("$PROG" tmf "$f" | sed -n '1s/.*: \([0-9]*\) messages.*/\1/p')
	if [ "$n" = "$(wc -l < "$TMP/got")" ]; then pass "tmf/$name: text count"; else fail "tmf/$name: text says $n"; fi
}

found=0
for f in "$SHARED"/corpus/tmf/*.tmf; do
	[ -f "$f" ] || continue
	found=1
	check_one "$f"
done
[ $found = 1 ] || skip "tmf/corpus: $SHARED/corpus/tmf absent"
for f in testdata/wpp/*.tmf; do
	check_one "$f"
done
# ItemListLong names reach the jsonl
ok "tmf/list-names" grep -q '"names12":\["Idle","Offloading","Offloaded","Uploading"\]' \
	"$TMP/out.jsonl"

# bad files: exit 2, "file:line:" on stderr
G=6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c
bad() {
	name=$1 line=$2 what=$3
	"$PROG" tmf "$TMP/$name.tmf" > /dev/null 2> "$TMP/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "$TMP/$name.tmf:$line: .*$what" "$TMP/err"; then
		pass "tmf/bad-$name"
	else
		fail "tmf/bad-$name: exit $rc: $(cat "$TMP/err")"
	fi
}
printf '%s x // SRC=a.c\n#typev a_c1 1 "%%0 v=%%10!d!" // FUNC=f\n{\nv, ItemBogus -- 10\n}\n' "$G" > "$TMP/unknown-type.tmf"
bad unknown-type 4 "unknown argument type 'ItemBogus'"
printf '%s x // SRC=a.c\n#typev a_c1 1 "%%0 v=%%10!d!" // FUNC=f\n{\nv, ItemLong -- 10\n' "$G" > "$TMP/unterminated.tmf"
bad unterminated 4 "unterminated"
printf '%s x // SRC=a.c\n#typev a_c1 1 "x" // FUNC=f\n{\nv, ItemLong -- 10\n#typev a_c2 2 "y" // FUNC=g\n{\n}\n' "$G" > "$TMP/unterminated2.tmf"
bad unterminated2 5 "unterminated"
printf '// PDB: x.pdb\n#typev a_c1 1 "x" // FUNC=f\n{\n}\n' > "$TMP/no-guid.tmf"
bad no-guid 2 "missing GUID line"
printf '// only a comment\n' > "$TMP/no-guid2.tmf"
bad no-guid2 1 "missing GUID line"
{ printf '%s x // SRC=a.c\n#typev a_c1 1 "' "$G"; head -c 20000 /dev/zero | tr '\0' a; printf '"\n{\n}\n'; } > "$TMP/overlong.tmf"
bad overlong 2 "line longer than"
head -c 4096 "$PROG" > "$TMP/binary.tmf"
bad binary 1 "binary data"
printf '%s x\n#typev a_c1 1 "x" // FUNC=f\n{\nv ItemLong\n}\n' "$G" > "$TMP/no-index.tmf"
bad no-index 4 "without '-- N'"
"$PROG" tmf "$TMP/does-not-exist.tmf" > /dev/null 2>&1
if [ $? = 2 ]; then pass "tmf/missing-file"; else fail "tmf/missing-file: not exit 2"; fi
"$PROG" tmf --format xml testdata/wpp/$G.tmf > /dev/null 2>&1
if [ $? = 2 ]; then pass "tmf/bad-format-option"; else fail "tmf/bad-format-option"; fi
exit 0
