"""vdc: a virtualized-datacenter simulator game for the terminal."""

__version__ = "0.1.0"
