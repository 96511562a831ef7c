"""Hardened XML parsing for everything we did not write ourselves (server answers, user files).

Rules: no DTD at all (a document that declares one is refused before parsing, so neither an
external DTD, an external entity such as ``file:///etc/passwd``, nor a "billion laughs" entity
bomb is ever looked at), no entity expansion, no network, no huge_tree (libxml2's size limits
stay on). The parser options repeat these rules so that a DOCTYPE the byte scan misses (an
unusual encoding) is still harmless.
"""

from __future__ import annotations

import re
import threading
import time
from typing import IO, Iterator

from lxml import etree

from c2m_tui.core.errors import InputError

PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
)

SAFE_PARSER = etree.XMLParser(**PARSER_OPTIONS)
_local = threading.local()  # lxml parsers must not be used by two threads at once (TUI thread workers)


def _parser() -> etree.XMLParser:
    if threading.current_thread() is threading.main_thread():
        return SAFE_PARSER
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(**PARSER_OPTIONS)
    return parser

# "<!DOCTYPE" in ASCII-compatible encodings, and in UTF-16 either way round
_DOCTYPE_PATTERNS = (
    re.compile(rb"<!DOCTYPE", re.IGNORECASE),
    re.compile(re.escape("<!DOCTYPE".encode("utf-16-le")), re.IGNORECASE),
    re.compile(re.escape("<!DOCTYPE".encode("utf-16-be")), re.IGNORECASE),
)


class XMLRejected(InputError):
    """XML we refuse to read: malformed, truncated, or carrying a DTD. ``line`` is 1-based or None."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 64  # longer than any match of the patterns (18 bytes in UTF-16)


def _search(pattern: re.Pattern, data: bytes) -> re.Match | None:
    """``pattern.search(data)``, a MiB at a time (overlapping, so no match is cut in two), handing
    the GIL to other threads between the pieces: one search of a 30 MB batch held it ~17 ms a
    pattern, and the app's event loop waited meanwhile."""
    if len(data) <= _SCAN_CHUNK:
        return pattern.search(data)
    for start in range(0, len(data), _SCAN_CHUNK):
        m = pattern.search(data, start, start + _SCAN_CHUNK + _SCAN_OVERLAP)
        if m:
            return m
        time.sleep(0)
    return None


def reject_doctype(data: bytes) -> None:
    """Refuse any document with a DTD: we never need one, and it is how XXE and entity bombs arrive."""
    for pattern in _DOCTYPE_PATTERNS:
        m = _search(pattern, data)
        if m:
            line = data.count(b"\n", 0, m.start()) + 1
            raise XMLRejected(
                f"line {line}: XML with a DOCTYPE (DTD) is refused: it could read local files or expand "
                "entities without limit",
                line=line,
            )


def syntax_message(err: etree.XMLSyntaxError) -> tuple[str, int | None]:
    """libxml2's message without its "(line N, column M)" tail, and the line."""
    line = err.lineno if getattr(err, "lineno", None) else None
    text = (err.msg or str(err) or "malformed XML").strip()
    text = re.sub(r",? *\(?line \d+,? column \d+\)?$", "", text).strip()
    return text, line


def _check_entities(root: etree._Element) -> None:
    # With resolve_entities=False an undeclared &name; could survive as an entity node: refuse it.
    for node in root.iter(etree.Entity):
        line = node.sourceline
        raise XMLRejected(f"line {line}: entity reference {node.text} is refused", line=line)


def parse_bytes(data: bytes) -> etree._Element:
    """Parse a whole document safely and return its root element; XMLRejected (an InputError) with the
    line on anything malformed, truncated, empty or carrying a DTD."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("parse_bytes takes bytes")
    if not data or data.isspace():  # ``not data.strip()``, without copying a big answer
        raise XMLRejected("empty document: expected XML", line=None)
    reject_doctype(bytes(data))
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as err:
        text, line = syntax_message(err)
        where = f"line {line}: " if line else ""
        raise XMLRejected(f"{where}malformed XML: {text}", line=line) from None
    if root is None:
        raise XMLRejected("empty document: expected XML", line=None)
    _check_entities(root)
    return root


def iterparse_safe(source: IO[bytes], events: tuple[str, ...] = ("end",), tag=None) -> Iterator:
    """``lxml.etree.iterparse`` with the same hardened options. The caller must run
    ``reject_doctype`` on the bytes first (iterparse has no byte-level view)."""
    return etree.iterparse(source, events=events, tag=tag, **PARSER_OPTIONS)
