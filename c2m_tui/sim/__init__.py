"""A faithful simulator of Click2Mail's Batch API (a starlette app). The core never imports it."""
