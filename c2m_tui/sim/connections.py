"""Which TCP connections the server has open, so a fault can drop one and the state can count them.

ASGI gives an app no handle on its socket. The runner's protocol class (``protocol_class``)
registers each connection here by its peer address, which the app sees as ``scope["client"]``;
``abort`` then closes that socket with no answer at all, as a dead proxy or a cut cable would.
"""

from __future__ import annotations

import itertools
from typing import Any


class ConnectionRegistry:
    def __init__(self) -> None:
        self._by_peer: dict[Any, Any] = {}
        self._serials = itertools.count(1)
        self._seen: set[Any] = set()
        self.v1_connections = 0  # distinct TCP connections that carried at least one /v1 request

    # called by the protocol, on the event loop
    def opened(self, peer: Any, protocol: Any) -> None:
        protocol.c2m_serial = next(self._serials)
        self._by_peer[peer] = protocol

    def closed(self, peer: Any, protocol: Any) -> None:
        if self._by_peer.get(peer) is protocol:
            del self._by_peer[peer]

    # called by the app
    def note_v1_request(self, peer: Any) -> None:
        protocol = self._by_peer.get(_key(peer))
        # the serial tells a new connection from an old one that reused the same port
        key = ("serial", protocol.c2m_serial) if protocol is not None else ("peer", _key(peer))
        if key not in self._seen:
            self._seen.add(key)
            self.v1_connections += 1

    def abort(self, peer: Any) -> bool:
        """Close the connection from ``peer`` without a word; False if it is not known here."""
        protocol = self._by_peer.get(_key(peer))
        transport = getattr(protocol, "transport", None)
        if transport is None:
            return False
        transport.abort()
        return True

    def is_open(self, peer: Any) -> bool:
        return _key(peer) in self._by_peer


def _key(peer: Any) -> Any:
    return tuple(peer) if isinstance(peer, (list, tuple)) else peer


def protocol_class(registry: ConnectionRegistry) -> type:
    """uvicorn's HTTP protocol, reporting each connection to ``registry``."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class SimHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
            super().connection_made(transport)
            registry.opened(_key(self.client), self)

        def connection_lost(self, exc) -> None:  # type: ignore[no-untyped-def]
            registry.closed(_key(self.client), self)
            super().connection_lost(exc)

    return SimHTTPProtocol
