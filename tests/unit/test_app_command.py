"""`c2m-tui` with the demo profile starts the built-in simulator when none is running on its port,
and uses the one that is running otherwise."""

from __future__ import annotations

import argparse

from c2m_tui.commands.app import build_session


def args(**kw) -> argparse.Namespace:
    return argparse.Namespace(demo=False, profile=None, base_url=None, **kw)


def test_demo_profile_without_a_simulator_starts_the_embedded_one(monkeypatch):
    # point the demo profile at a port nobody listens on
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from c2m_tui.config import profiles

    monkeypatch.setitem(profiles.BUILTINS, "demo", profiles.BUILTINS["demo"].with_base_url(f"http://127.0.0.1:{port}/v1"))
    session = build_session(args())
    try:
        assert session.demo
        assert session.base_url == f"http://127.0.0.1:{port}/v1"  # on the profile's port: the journal's
        import httpx

        r = httpx.post(f"{session.base_url}/batches", auth=("demo", "demo"))
        assert r.status_code == 201
    finally:
        session.stop_simulator()


def test_demo_profile_uses_a_running_simulator(sim, monkeypatch):
    from c2m_tui.config import profiles

    monkeypatch.setitem(profiles.BUILTINS, "demo", profiles.BUILTINS["demo"].with_base_url(sim.base_url))
    session = build_session(args())
    assert session.base_url == sim.base_url
    assert not session.demo
