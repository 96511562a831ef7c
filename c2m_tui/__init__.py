"""c2m-tui: send paper mail through Click2Mail's Batch API from a terminal."""

__version__ = "0.1.0"
