#!/bin/sh
# The demo `make demo` runs: a fresh SQLite store fed with the bundled sample articles.
set -e
F="$BIN/factdb"
echo "== store: $FACTDB_DATABASE_URL"
"$F" db upgrade
"$F" db current
