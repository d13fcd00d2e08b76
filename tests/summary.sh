#!/bin/sh
# Print the closing line of make check and fail when any test failed.
R=$1
p=$(grep -c '^pass' "$R")
f=$(grep -c '^fail' "$R")
s=$(grep -c '^skip' "$R")
if [ "$f" != 0 ]; then
	echo "failed tests:"
	grep '^fail' "$R" | sed 's/^fail /  /'
fi
echo "$p passed, $f failed, $s skipped"
[ "$f" = 0 ]
