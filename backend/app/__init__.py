"""Cryptomon: a self-hostable crypto monitoring and analysis platform."""

__version__ = "0.1.0"
