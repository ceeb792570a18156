"""Provides `python -m vdc`."""

from vdc.cli import main

if __name__ == "__main__":
    main(prog_name="vdc")  # the same name (and `_VDC_COMPLETE` completion) as the `vdc` script
