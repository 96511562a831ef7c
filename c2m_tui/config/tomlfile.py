"""Read and write the app's small TOML config file.

Reading uses the standard library's tomllib. Writing is done here rather than with tomli-w: the
file only ever holds strings, booleans, numbers, lists of those, and one level of named tables
(``[profiles.NAME]``), so a few dozen lines cover it and the app keeps one dependency fewer.
Writes are atomic (a temporary file in the same directory, then ``os.replace``) so a crash never
leaves half a config behind, and the file is private (0600).
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file, or {} when it does not exist. A broken file is an InputError naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise InputError(f"{path}: cannot read the config file: {err.strerror or err}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: the config file is not UTF-8 text (byte {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        # tomllib's message already says "(at line N, column M)"
        raise InputError(f"{path}: invalid TOML: {err}") from None


def write_toml(path: Path, doc: dict[str, Any], header: str = "") -> None:
    """Write ``doc`` atomically; top-level scalars first, then each table."""
    text = dumps(doc, header)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with atomic_write(path, text=True, newline="\n", mode=0o600, fsync=True) as out:
        out.file.write(text)


def dumps(doc: dict[str, Any], header: str = "") -> str:
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    scalars = {k: v for k, v in doc.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in doc.items() if isinstance(v, dict)}
    for key, value in scalars.items():
        if value is not None:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, table in tables.items():
        _table(lines, [key], table)
    return "\n".join(lines) + "\n"


def _table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and v is not None}
    subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
    if scalars or not subtables:
        lines.append("")
        lines.append("[" + ".".join(_key(p) for p in path) + "]")
        for key, value in scalars.items():
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, sub in subtables.items():
        _table(lines, [*path, key], sub)


def _key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise ValueError(f"TOML keys must be non-empty strings, not {key!r}")
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to the config file")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"cannot write a {type(value).__name__} to the config file")


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
