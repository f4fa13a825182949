"""``python -m factdb``: the same as the ``factdb`` command."""

from factdb.cli.app import main

if __name__ == "__main__":
    main()
