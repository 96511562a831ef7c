"""Paths, settings and credentials: no textual here."""
