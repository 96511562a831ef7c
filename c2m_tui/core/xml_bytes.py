"""The batch XML's bytes, normalised once: what is validated is what is hashed, journaled and uploaded.

A batch XML may come in any encoding XML allows: UTF-8 with or without a BOM, UTF-16 or UTF-32
with a BOM (Notepad's "Unicode"), or a declared legacy encoding (``encoding="ISO-8859-1"``).
Our parser (libxml2) reads them all, but the server is not known to, and a client that prepends a
declaration in front of a BOM breaks the file. So every batch XML is turned into UTF-8 with an
XML declaration before anything looks at it:

- already UTF-8 (or ASCII) with a declaration and no BOM: the bytes are kept exactly as they are;
- UTF-8 without a declaration: a declaration is put in front, on the same line (line numbers in
  messages stay those of the person's file);
- anything else: decoded strictly from the BOM's or the declaration's encoding and re-encoded as
  UTF-8 behind a UTF-8 declaration (the old declaration's version and standalone are kept).

Bytes that cannot be decoded, an unknown encoding, or a BOM that contradicts the declaration give
one InputError naming the line. Files bigger than ``MAX_XML_BYTES`` are refused before reading.
"""

from __future__ import annotations

import codecs
import os
import re

from c2m_tui.core.errors import InputError

# 1 GiB: about 3 million recipients at ~330 bytes each. Validation streams (flat memory), but a
# send holds the bytes it uploads (and journals a compressed copy), so a bigger file would strain a
# small machine; the Batch API documents no limit of its own (reference §5). Split bigger mailings.
MAX_XML_BYTES = 1024 * 1024 * 1024

UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'

_BOMS = (  # UTF-32 first: its LE BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# "<?" in UTF-16 without a BOM (allowed by XML's appendix F when a declaration follows)
_NO_BOM_UTF16 = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))

_DECLARATION = re.compile(
    r"""\A<\?xml\s+version\s*=\s*(["'])(?P<version>[0-9.]+)\1"""
    r"""(?:\s+encoding\s*=\s*(["'])(?P<encoding>[A-Za-z][A-Za-z0-9._-]*)\3)?"""
    r"""(?:\s+standalone\s*=\s*(["'])(?P<standalone>yes|no)\5)?\s*\?>"""
)
_PASS_THROUGH = frozenset({"utf-8", "ascii"})
_PASS_THROUGH_NAMES = frozenset({"UTF-8", "US-ASCII"})  # spellings every XML parser knows


def normalise_batch_xml(data: bytes, source: str = "batch XML") -> bytes:
    """``data`` as UTF-8 with an XML declaration (see the module docstring). ``source`` names
    the file in messages."""
    data = bytes(data)
    if len(data) > MAX_XML_BYTES:
        raise InputError(f"{source}: the batch XML is {len(data) >> 20} MiB, over the "
                         f"{MAX_XML_BYTES >> 20} MiB limit; split the mailing into several batches")
    if not data or data.isspace():  # (``not data.strip()`` without a copy of the whole file)
        return data  # nothing to normalise: the reader says "empty file"
    bom_codec, family, skip = _sniff(data)
    head = data[skip:skip + 400].decode(bom_codec or "latin-1", "replace")
    match = _DECLARATION.match(head)
    declared = match.group("encoding") if match else None
    codec = bom_codec
    if declared:
        try:
            declared_name = codecs.lookup(declared).name
        except LookupError:
            raise InputError(f"{source}: line 1: the XML declares encoding {declared!r}, which is not known; "
                             "save the file as UTF-8") from None
        if family and not declared_name.startswith(family):
            raise InputError(f"{source}: line 1: the file starts with a {family.upper()} byte-order mark but "
                             f"declares encoding {declared!r}; save it as UTF-8")
        codec = codec or declared_name
    plain_name = declared is None or declared.upper() in _PASS_THROUGH_NAMES
    if codec is None or (skip == 0 and codec in _PASS_THROUGH and plain_name):
        if match:
            return data  # already what the server reads: not one byte changed
        return UTF8_DECLARATION + data  # same line: line numbers stay the file's
    text = _decode(data[skip:], codec, source)
    if match:
        found = _DECLARATION.match(text)
        if found is None:  # the sniffed head and the decoded text disagree: impossible for a real codec
            raise InputError(f"{source}: line 1: unreadable XML declaration")
        version, standalone = found.group("version"), found.group("standalone")
        text = text[found.end():]
    else:
        version, standalone = "1.0", None
    declaration = f'<?xml version="{version}" encoding="UTF-8"'
    declaration += f' standalone="{standalone}"?>' if standalone else "?>"
    return (declaration + text).encode("utf-8")


def read_batch_xml(path: str | os.PathLike[str]) -> bytes:
    """A batch XML file, read (a regular file of at most ``MAX_XML_BYTES``) and normalised."""
    from c2m_tui.core.inputfile import read_regular

    data = read_regular(path, "the batch XML", MAX_XML_BYTES)
    return normalise_batch_xml(data, str(path))


def streams_as_is(head: bytes) -> bool:
    """Whether a file starting with ``head`` (its first few hundred bytes) normalises to itself
    but for a declaration (plain UTF-8 or ASCII: no BOM, no other declared encoding), so it can be
    validated as it streams from disk; anything else is normalised in memory first."""
    if _sniff(head)[0] is not None:
        return False
    found = _DECLARATION.match(head.decode("ascii", "replace"))
    if found is None:
        return not head.lstrip().startswith(b"<?xml")  # a declaration too odd to read: normalise
    encoding = found.group("encoding")
    return encoding is None or encoding in _PASS_THROUGH_NAMES


def _sniff(data: bytes) -> tuple[str | None, str | None, int]:
    """(codec, BOM family, BOM length) from the first bytes; (None, None, 0) when nothing says."""
    for bom, codec, family in _BOMS:
        if data.startswith(bom):
            return codec, family, len(bom)
    for start, codec in _NO_BOM_UTF16:
        if data.startswith(start):
            return codec, "utf-16", 0
    return None, None, 0


def _decode(data: bytes, codec: str, source: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        line = data[:err.start].decode(codec, "replace").count("\n") + 1
        raise InputError(f"{source}: line {line}: bytes that are not valid {codec.upper()} (byte offset "
                         f"{err.start}); save the file as UTF-8") from None
    except LookupError:
        raise InputError(f"{source}: encoding {codec!r} is not known; save the file as UTF-8") from None
