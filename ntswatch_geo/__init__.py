"""NTS-Mekong Watch Geo: border-crime reports on real district boundaries."""

__version__ = "0.1.0"
