"""Togetherly: an offline voice companion for couples."""

__version__ = "0.1.0"
