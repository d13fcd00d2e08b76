#!/bin/sh
# Turn stdin into a C string constant named $1 (one source line per input line).
printf '/* generated from schemas/offtrace.sql by tools/embed.sh; do not edit */\n'
printf 'const char %s[] =\n' "$1"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/'
printf ';\n'
