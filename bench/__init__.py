"""factdb benchmarks (issue 6): see ``bench/README.md``; ``python -m bench.run --full``."""
