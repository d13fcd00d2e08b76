#!/bin/sh
# The HTML report in a real browser: headless Chromium loads the page of
# four gen scenarios, dumps the DOM (counted through the data- attributes
# the report puts on its rows) and takes a screenshot, kept under
# BUILD/artifacts/.  The hostile scenario's strings must be text, with no
# injected element and the title unchanged.  Skips without chromium.
. tests/lib.sh

ART=$BUILD/artifacts
mkdir -p "$ART"

# Static checks that need no browser.
"$PROG" gen hostile -o "$TMP/hostile.jsonl" 2> "$TMP/err" || fail "html/gen-hostile: $(cat "$TMP/err")"
if "$PROG" analyze -q --html "$TMP/h1.html" "$TMP/hostile.jsonl" > /dev/null 2> "$TMP/err" &&
   "$PROG" analyze -q --html "$TMP/h2.html" "$TMP/hostile.jsonl" > /dev/null 2>&1 &&
   cmp -s "$TMP/h1.html" "$TMP/h2.html"; then
	pass "html/deterministic"
else
	fail "html/deterministic: $(cat "$TMP/err")"
fi
if grep -qi '<script\|<img\|<iframe\|<link\| src="\|href="http' "$TMP/h1.html"; then
	fail "html/no-active-content"
else
	pass "html/no-active-content"
fi
ok "html/csp" grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$TMP/h1.html"

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "html/browser" "chromium not installed (Debian package chromium)"
	exit 0
fi

chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$TMP/chrome" "$@" \
		2>> "$TMP/chrome.log"
}

# count ATTR="VALUE" occurrences in a file
count() { grep -o "$1" "$2" | wc -l | tr -d ' '; }

# render NAME: gen args in the rest; leaves $TMP/NAME.db, .html, .dom
render() {
	name=$1; shift
	if ! "$PROG" gen "$@" -o "$TMP/$name.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" ingest -q -o "$TMP/$name.db" "$TMP/$name.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" report --format html -o "$TMP/$name.html" "$TMP/$name.db" 2> "$TMP/err"; then
		fail "html/$name: $(cat "$TMP/err")"
		return 1
	fi
	chrome --dump-dom "file://$TMP/$name.html" > "$TMP/$name.dom"
	if ! grep -q '</html>' "$TMP/$name.dom"; then
		fail "html/$name/dump-dom: $(tail -n 5 "$TMP/chrome.log")"
		return 1
	fi
	chrome --screenshot="$ART/html-$name.png" --window-size=1400,2000 \
		"file://$TMP/$name.html" > /dev/null
	ok "html/$name/screenshot" test -s "$ART/html-$name.png"
	return 0
}

q() { "$PROG" query "$TMP/$1.db" "$2" | tail -n 1; }

# check NAME: the DOM counts against the database
check() {
	name=$1
	objects=$(q "$name" "SELECT count(*) FROM objects")
	groups=$(q "$name" "SELECT count(*) FROM (SELECT DISTINCT adapter, layer FROM objects)")
	leaks=$(q "$name" "SELECT count(*) FROM leaks")
	viols=$(q "$name" "SELECT count(*) FROM violations")
	rows=$objects
	[ "$rows" -gt 200 ] && rows=200
	got=$(count 'data-row="object"' "$TMP/$name.dom")
	ok "html/$name/timeline-rows ($got of $rows)" [ "$got" = "$rows" ]
	got=$(count 'data-row="density"' "$TMP/$name.dom")
	ok "html/$name/density-rows ($got of $groups)" [ "$got" = "$groups" ]
	ok "html/$name/folded" grep -q "data-folded=\"$((objects - rows))\"" "$TMP/$name.dom"
	got=$(count 'data-row="leak"' "$TMP/$name.dom")
	ok "html/$name/leak-rows ($got of $leaks)" [ "$got" = "$leaks" ]
	got=$(count 'data-row="violation"' "$TMP/$name.dom")
	ok "html/$name/violation-rows ($got of $viols)" [ "$got" = "$viols" ]
	ok "html/$name/title" grep -q '<title>offtrace report</title>' "$TMP/$name.dom"
	ok "html/$name/histogram" grep -q 'data-chart="histogram"' "$TMP/$name.dom"
	ok "html/$name/cdf" grep -q 'data-chart="cdf"' "$TMP/$name.dom"
	# every object link has its detail section
	for id in $(grep -o 'href="#obj-[0-9]*"' "$TMP/$name.dom" | sed 's/[^0-9]//g' | sort -u); do
		if ! grep -q "id=\"obj-$id\"" "$TMP/$name.dom"; then
			fail "html/$name/anchor obj-$id missing"
			return
		fi
	done
	pass "html/$name/anchors"
}

render clean clean && check clean
render late-write late-write && check late-write
render scale scale --objects 100000 && check scale
if render hostile hostile; then
	check hostile
	d=$TMP/hostile.dom
	ok "html/hostile/script-text" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$d"
	ok "html/hostile/img-text" grep -qF '"&gt;&lt;img src=x onerror=alert(1)&gt;' "$d"
	ok "html/hostile/svg-text" grep -qF '&lt;/svg&gt;\x07bell' "$d"
	ok "html/hostile/utf8-replaced" grep -qF "bell$(printf '\357\277\275\357\277\275\357\277\275')end" "$d"
	if grep -qi '<script\|<img' "$d"; then
		fail "html/hostile/no-injected-element"
	else
		pass "html/hostile/no-injected-element"
	fi
	ok "html/hostile/adapters-in-dom" [ "$(count 'data-row="density"' "$d")" = 3 ]
fi
exit 0
