"""Screens described once, in a small neutral vocabulary, rendered per platform."""
