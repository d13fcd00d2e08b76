#!/bin/sh
# The examples of README.md and of the man page's .EX blocks are run, and
# what they print must be what the page shows.
#
# An example is a fenced block (README) or an .EX block (man page) whose
# first line starts with "$ ": each "$ " line is a command (continued on the
# next lines while a quote is open or the line ends with a backslash), and
# the lines after it, up to the next command, are what it prints (standard
# output, then standard error, or the other way round).  A line "..."
# stands for any number of lines, "..." inside a line for any text; trailing
# blanks are ignored; everything else must be equal, in order, from the
# first line to the last.  A command must exit 0 unless the next command
# shows its status ("$ echo $?").
#
# The examples of a page run in order in one scratch directory, where
# README.md's commands see testdata/ (the samples) and the files earlier
# examples made (run.db by its ingest example); the man page's see only
# what they make themselves.  A comment right before a block changes how it
# runs:
#   <!-- example: not run: REASON -->           (man: .\" example: not run: REASON)
#       the block is not run; each command counts as skipped with REASON;
#   <!-- example: corpus DIR/FILE... -->        (man: .\" example: corpus ...)
#       the corpus files (../shared/corpus/DIR/FILE) are linked into the
#       directory under their names; without the corpus the block is skipped;
#   <!-- example: needs PROGRAM... -->          (man: .\" example: needs ...)
#       the block runs when each PROGRAM is on the PATH, else is skipped;
#   <!-- example: clickhouse -->                (man: .\" example: clickhouse)
#       the block runs against a private ClickHouse server this script
#       starts (tests/tools/chserver.sh; skipped without the packages):
#       http://localhost:8123 in its commands and in what they print
#       stands for that server's loopback address.
. tests/lib.sh

ROOT=$(pwd)
case $PROG in
/*) abs=$PROG ;;
*) abs=$ROOT/$PROG ;;
esac
mkdir -p "$TMP/bin"
ln -s "$abs" "$TMP/bin/offtrace"
PATH=$TMP/bin:$PATH
export PATH
SHARED_ABS=$(cd "$SHARED" 2>/dev/null && pwd)
TIMEOUT=
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout 120"

# ch_example: a private ClickHouse server for the blocks marked
# "example: clickhouse", started at the first of them; CH_URL its address
CH_STATE=
ch_example() {
	case $CH_STATE in
	up) return 0 ;;
	none) return 1 ;;
	esac
	CH_STATE=none
	. "$ROOT/tests/tools/chserver.sh"
	ch_find || return 1
	set -- $(ch_ports 2)
	ch_users "$TMP/ch-users.xml"
	ch_conf "$TMP/ch" "$1" "$2" "$TMP/ch-users.xml"
	ch_start "$TMP/ch" "$1" "$abs" || { fail "examples: the ClickHouse server did not start"; return 1; }
	trap 'ch_stop "$TMP/ch"; rm -rf "$TMP"' EXIT
	CH_URL=http://127.0.0.1:$1
	CH_STATE=up
}
# ch_exp NOTE FILE: the expected output FILE, with the server's address in
# a clickhouse block
ch_exp() {
	case $1 in
	*"example: clickhouse"*)
		sed "s|http://localhost:8123|$CH_URL|g" "$2" > "$TMP/exp.ch"
		echo "$TMP/exp.ch" ;;
	*) echo "$2" ;;
	esac
}

# man page -> numbered lines of fenced blocks and their comments, roff
# escapes turned into the characters they print
man_blocks() {
	awk '
	function unroff(s,   out, c, i, n) {
		out = ""
		n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (c != "\\") { out = out c; continue }
			c = substr(s, ++i, 1)
			if (c == "&") continue
			if (c == "-") { out = out "-"; continue }
			if (c == "e") { out = out "\\"; continue }
			if (c == "(") {
				c = substr(s, i + 1, 2); i += 2
				if (c == "aq") { out = out "\047"; continue }
				if (c == "dq") { out = out "\""; continue }
				if (c == "ti") { out = out "~"; continue }
				if (c == "ha") { out = out "^"; continue }
				if (c == "rs") { out = out "\\"; continue }
			}
			bad = 1
			out = out "<unknown roff escape>"
		}
		return out
	}
	/^\.EX/ { inex = 1; print NR "\t```"; next }
	/^\.EE/ { inex = 0; print NR "\t```"; next }
	inex { print NR "\t" unroff($0); next }
	/^\.\\" example:/ { sub(/^\.\\" /, ""); print NR "\t<!-- " $0 " -->"; next }
	/^\.(PP|P|LP|IP)( |$)/ { next }
	{ print NR "\t" }
	' "$1"
}

# numbered lines -> one directory entry per command: N.cmd, N.exp, N.info
# ("LINE RCANY" then the block's comment), in page order
split_examples() {
	awk -F '\t' -v dir="$2" '
	function quote_state(s,   i, c, n) {
		n = length(s)
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (q == "\047") { if (c == "\047") q = ""; continue }
			if (c == "\\") { if (i == n) { bs = 1; return } i++; continue }
			if (q == "\"") { if (c == "\"") q = ""; continue }
			if (c == "\047" || c == "\"") q = c
		}
	}
	function finish() {
		if (k == 0 || done[k]) return
		done[k] = 1
		close(dir "/" k ".exp"); close(dir "/" k ".cmd")
	}
	{ line = $0; sub(/^[0-9]+\t/, "", line); nr = $1 }
	/^[0-9]+\t```/ {
		if (!inb) { inb = 1; first = 1; note = lastnote; next }
		inb = 0; ex = 0; finish(); lastnote = ""; next
	}
	!inb {
		if (line ~ /^<!-- example:.*-->$/) { lastnote = line; next }
		if (line ~ /[^ \t]/) lastnote = ""
		next
	}
	first {
		first = 0
		if (line !~ /^\$ /) next
		ex = 1
	}
	!ex { next }
	cont {
		printf "\n%s", line > (dir "/" k ".cmd")
		bs = 0; quote_state(line); cont = (q != "" || bs)
		next
	}
	/^[0-9]+\t\$ / {
		finish()
		if (k > 0 && line ~ /^\$ echo \$\?/) rcany[k] = 1
		k++
		c = substr(line, 3)
		printf "%s", c > (dir "/" k ".cmd")
		printf "" > (dir "/" k ".exp")
		where[k] = nr; notes[k] = note
		q = ""; bs = 0; quote_state(c); cont = (q != "" || bs)
		next
	}
	{ print line > (dir "/" k ".exp") }
	END {
		finish()
		for (i = 1; i <= k; i++) {
			f = dir "/" i ".info"
			print where[i], (rcany[i] ? 1 : 0) > f
			print notes[i] > f
			close(f)
		}
		print k > (dir "/count")
	}
	' "$1"
}

# match EXP ACT: 0 when ACT is what EXP shows; else a reason on stdout
match() {
	awk -v expf="$1" '
	function rtrim(s) { sub(/[ \t\r]+$/, "", s); return s }
	function glob(p, s,   parts, n, i, pos, pre, suf) {
		if (index(p, "...") == 0) return p == s
		n = split(p, parts, /\.\.\./)
		pre = parts[1]; suf = parts[n]
		if (length(s) < length(pre) + length(suf)) return 0
		if (substr(s, 1, length(pre)) != pre) return 0
		if (substr(s, length(s) - length(suf) + 1) != suf) return 0
		s = substr(s, length(pre) + 1, length(s) - length(pre) - length(suf))
		for (i = 2; i < n; i++) {
			pos = index(s, parts[i])
			if (pos == 0) return 0
			s = substr(s, pos + length(parts[i]))
		}
		return 1
	}
	BEGIN {
		while ((getline l < expf) > 0) E[++n] = rtrim(l)
		close(expf)
		# a trailing empty line of a page block is layout, not output
		while (n > 0 && E[n] == "") n--
	}
	{ A[++m] = rtrim($0) }
	END {
		while (m > 0 && A[m] == "") m--
		for (i = 1; i <= n; i++) W[i] = (E[i] ~ /^[ \t]*\.\.\.$/)
		# M[i, j]: E[i..n] shows A[j..m]
		for (j = m + 1; j >= 1; j--) M[n + 1, j] = (j == m + 1)
		for (i = n; i >= 1; i--)
			for (j = m + 1; j >= 1; j--)
				if (W[i])
					M[i, j] = M[i + 1, j] || (j <= m && M[i, j + 1])
				else
					M[i, j] = j <= m && M[i + 1, j + 1] && glob(E[i], A[j])
		if (M[1, 1]) exit 0
		# where it goes wrong: the first shown line not found in place
		j = 1; star = 0
		for (i = 1; i <= n; i++) {
			if (W[i]) { star = 1; continue }
			while (star && j <= m && !glob(E[i], A[j])) j++
			if (j > m || !glob(E[i], A[j])) {
				printf "shown line %d not printed%s: \"%s\"; printed: \"%s\"\n", i,
					star ? " (after ...)" : " there", E[i], j <= m ? A[j] : "(end of output)"
				exit 1
			}
			j++; star = 0
		}
		printf "the output goes on after the last line shown: \"%s\"\n", A[j]
		exit 1
	}
	' "$2"
}

# run_page NAME DIR: set DIR up, then run and check each example of $TMP/NAME.ex
run_page() {
	page=$1 dir=$2 ex=$TMP/$1.ex
	n=$(cat "$ex/count")
	if [ "$n" -eq 0 ]; then
		fail "examples/$page: no examples found (blocks whose first line starts with '\$ ')"
		return
	fi
	prev=0
	i=1
	while [ $i -le "$n" ]; do
		read -r line rcany < "$ex/$i.info"
		note=$(sed -n 2p "$ex/$i.info")
		cmd=$(cat "$ex/$i.cmd")
		short=$(printf '%s' "$cmd" | head -n 1 | cut -c1-70)
		name="examples/$page:$line: $short"
		i=$((i + 1))
		case $note in
		*"example: not run:"*)
			why=${note#*not run: }
			skip "$name -- not run: ${why% -->}"
			continue
			;;
		*"example: corpus "*)
			files=${note#*corpus }
			files=${files% -->}
			missing=
			for f in $files; do
				if [ -n "$SHARED_ABS" ] && [ -e "$SHARED_ABS/corpus/$f" ]; then
					ln -sf "$SHARED_ABS/corpus/$f" "$dir/$(basename "$f")"
				else
					missing="$missing $f"
				fi
			done
			if [ -n "$missing" ]; then
				skip "$name -- needs $SHARED/corpus:$missing"
				continue
			fi
			;;
		*"example: needs "*)
			progs=${note#*needs }
			progs=${progs% -->}
			missing=
			for p in $progs; do
				command -v "$p" > /dev/null 2>&1 || missing="$missing $p"
			done
			if [ -n "$missing" ]; then
				skip "$name -- needs$missing"
				continue
			fi
			;;
		*"example: clickhouse"*)
			if ! ch_example; then
				skip "$name -- needs clickhouse-server and clickhouse-client"
				continue
			fi
			cmd=$(printf '%s' "$cmd" | sed "s|http://localhost:8123|$CH_URL|g")
			;;
		*"example:"*)
			fail "$name: unknown example comment: $note"
			continue
			;;
		esac
		(cd "$dir" && $TIMEOUT sh -c "(exit $prev); $cmd" > "$TMP/out" 2> "$TMP/err" < /dev/null)
		rc=$?
		prev=$rc
		cat "$TMP/out" "$TMP/err" > "$TMP/oe"
		cat "$TMP/err" "$TMP/out" > "$TMP/eo"
		if [ "$rc" -ne 0 ] && [ "$rcany" != 1 ]; then
			fail "$name: exit status $rc, and the page does not show it: $(head -c 300 "$TMP/err" | tr '\n' ' ')"
		elif exp=$(ch_exp "$note" "$ex/$(( i - 1 )).exp") &&
			{ why=$(match "$exp" "$TMP/oe") || match "$exp" "$TMP/eo" > /dev/null; }; then
			pass "$name"
		else
			fail "$name: $why"
			{
				echo "--- shown ($exp):"
				head -n 40 "$exp"
				echo "--- printed (stdout, then stderr):"
				head -n 60 "$TMP/oe"
			} >&2
		fi
	done
}

mkdir -p "$TMP/README.ex" "$TMP/readme"
awk '{ print NR "\t" $0 }' README.md > "$TMP/README.lines"
split_examples "$TMP/README.lines" "$TMP/README.ex"
ln -s "$ROOT/testdata" "$TMP/readme/testdata"
run_page README "$TMP/readme"

mkdir -p "$TMP/offtrace.1.ex" "$TMP/man"
man_blocks man/offtrace.1 > "$TMP/man.lines"
if grep -q '<unknown roff escape>' "$TMP/man.lines"; then
	fail "examples/offtrace.1: a roff escape the test does not know: $(grep '<unknown roff escape>' "$TMP/man.lines" | head -n 1)"
fi
split_examples "$TMP/man.lines" "$TMP/offtrace.1.ex"
run_page offtrace.1 "$TMP/man"
exit 0
