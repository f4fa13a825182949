"""factdb's command line (installed as ``factdb.cli``): argument parsing and rendering only."""
