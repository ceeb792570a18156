"""Provides `python -m vdc`."""

from vdc.cli import main

if __name__ == "__main__":
    main()
