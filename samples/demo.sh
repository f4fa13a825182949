#!/bin/sh
# What `make demo` runs: the bundled sample articles (an invented dam failure, reported over four
# days by five outlets) go into a fresh SQLite store; then contradictions and one claim's history.
set -e
F="$BIN/factdb"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "factdb add samples/articles/   (store: $FACTDB_DATABASE_URL)"
"$F" add samples/articles/

say "factdb stats"
"$F" stats

say "factdb contradictions"
"$F" contradictions

CLAIM=$("$F" claims --search "Corvath Hydro ignored repeated safety warnings about the dam" -n 1 --format csv | sed -n 2p | cut -d, -f1)
say "factdb history $CLAIM"
"$F" history "$CLAIM"

say "factdb match \"The dam operator did not ignore safety warnings\""
"$F" match "The dam operator did not ignore safety warnings" -n 3

if "$F" report --help >/dev/null 2>&1; then
    say "factdb report -o out/report.html"
    "$F" report -o out/report.html
    echo "report: $(pwd)/out/report.html"
fi
