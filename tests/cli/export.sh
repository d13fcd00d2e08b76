#!/bin/sh
# export --format chrome: the structural check (tests/tools/chromecheck:
# name, ph, ts, pid, tid on every event, async b/e pairs) on gen scenarios,
# and, when chromium is installed, Chromium's own JSON.parse accepts it.
. tests/lib.sh

chk=$BUILD/tests/chromecheck
if [ ! -x "$chk" ]; then
	fail "export: $chk not built"
	exit 0
fi
for sc in clean late-write leak-end hostile im-stack scale; do
	args=
	[ "$sc" = scale ] && args="--objects 2000"
	# shellcheck disable=SC2086
	if ! "$PROG" gen "$sc" $args -o "$TMP/$sc.jsonl" 2> "$TMP/err" ||
	   ! "$PROG" export -q --format chrome -o "$TMP/$sc.json" "$TMP/$sc.jsonl" 2> "$TMP/err"; then
		fail "export/$sc: $(cat "$TMP/err")"
		continue
	fi
	if "$chk" "$TMP/$sc.json" > "$TMP/out" 2>&1; then
		pass "export/$sc/structure"
	else
		fail "export/$sc/structure: $(head -c 1000 "$TMP/out")"
	fi
	objects=$(grep -c '"ph":"b"' "$TMP/$sc.json")
	want=$(sed -n 's/.*"objects": \([0-9]*\).*/\1/p' "$TMP/$sc.jsonl.truth.json" | head -n 1)
	ok "export/$sc/objects ($objects of $want)" [ "$objects" = "$want" ]
	viol=$(grep -c '"cat":"violation"' "$TMP/$sc.json")
	want=$(grep -c '"rule"' "$TMP/$sc.jsonl.truth.json")
	ok "export/$sc/violations ($viol of $want)" [ "$viol" = "$want" ]
done
# from a database, and usage errors
"$PROG" ingest -q --db "$TMP/lw.db" "$TMP/late-write.jsonl"
"$PROG" export -o "$TMP/db.json" "$TMP/lw.db" && cmp -s "$TMP/db.json" "$TMP/late-write.json"
ok "export/db-same-as-trace" [ $? = 0 ]
"$PROG" export --format perfetto -o "$TMP/x.json" "$TMP/lw.db" 2> /dev/null
ok "export/bad-format-exit-2" [ $? = 2 ]
"$PROG" export "$TMP/lw.db" 2> /dev/null
ok "export/no-output-exit-2" [ $? = 2 ]

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	skip "export/chromium-json-parse" "chromium not installed (Debian package chromium)"
	exit 0
fi
for sc in late-write hostile scale; do
	page=$TMP/$sc.parse.html
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>parse</title></head><body>\n'
		printf '<script type="application/json" id="d">'
		# "</" is "<\/" in JSON, so the data cannot close the script element
		sed 's#</#<\\/#g' "$TMP/$sc.json"
		printf '</script>\n<div id="r">not run</div>\n<script>\n'
		printf 'try { var t = JSON.parse(document.getElementById("d").textContent);\n'
		printf '  var ok = t.traceEvents.every(function (e) { return typeof e.ph === "string" && typeof e.ts === "number" && typeof e.pid === "number" && typeof e.tid === "number" && typeof e.name === "string"; });\n'
		printf '  document.getElementById("r").textContent = (ok ? "PARSED " : "FIELDS ") + t.traceEvents.length;\n'
		printf '} catch (x) { document.getElementById("r").textContent = "ERROR " + x; }\n'
		printf '</script></body></html>\n'
	} > "$page"
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$TMP/chrome" \
		--dump-dom "file://$page" > "$TMP/$sc.parse.dom" 2>> "$TMP/chrome.log"
	n=$(grep -c '"ph"' "$TMP/$sc.json")
	if grep -q "<div id=\"r\">PARSED $n</div>" "$TMP/$sc.parse.dom"; then
		pass "export/$sc/chromium-json-parse"
	else
		fail "export/$sc/chromium-json-parse: $(grep -o '<div id="r">[^<]*' "$TMP/$sc.parse.dom")"
	fi
done
exit 0
