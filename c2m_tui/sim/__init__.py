"""A local, faithful simulator of Click2Mail's Batch API (``/v1/batches``).

``app.create_app(options)`` builds the starlette app; ``runner.serve(options)`` runs it for
``c2m-tui sim`` and ``runner.EmbeddedSimulator`` runs it in a thread for ``c2m-tui --demo``.
Nothing here is imported by ``c2m_tui.core``: the simulator sits beside the client, not under it.
"""
