"""Consequences Card: cards, help finder and anonymous reporting."""

__version__ = "0.1.0"
