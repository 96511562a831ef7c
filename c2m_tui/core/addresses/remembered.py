"""The choices made for the last import of a list with the same columns, kept for the next one.

Exports come back in the same shape (Outlook writes the same 90 columns every month), so the
column mapping and the per-kind choices (fix / skip / keep) chosen for one import are where the
next import of the same columns starts. They live in the saved-mappings file (``store``, passed
in: the app's is ``c2m_tui.config.paths.mappings_file()``) under ``REMEMBERED_KEY``, one entry
per set of column names (their order does not matter), the most recent first, at most
``MAX_REMEMBERED``. Only choices that differ from the defaults are kept, so a default that
improves later is picked up. Hand edits of rows (edits.py) belong to one file and are never kept.

An unreadable file or a damaged entry never stops an import: ``recall_choices`` says so in
``warning`` and the import starts from the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping as MappingABC

from c2m_tui.core.errors import InputError, UsageError

from .checks import KINDS, resolve_policy
from .mapping import REMEMBERED_KEY, Mapping, check_mapping, read_store, write_store

MAX_REMEMBERED = 20
USING_REMEMBERED = "using the choices from your last import of these columns"


@dataclass(frozen=True, slots=True)
class Remembered:
    """What the last import of these columns chose; ``mapping`` is None when nothing is known."""

    mapping: Mapping | None = None
    policy: dict[str, str] = field(default_factory=dict)  # only the choices that differ from the defaults
    warning: str = ""  # the file or the entry could not be used: one line to show

    @property
    def found(self) -> bool:
        return self.mapping is not None


def _columns(headers: Iterable[str]) -> list[str]:
    return sorted({str(h) for h in headers})


def _same_columns(entry: object, columns: list[str]) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("columns"), list)
            and _columns(entry["columns"]) == columns)


def recall_choices(store: Path, headers: Iterable[str]) -> Remembered:
    """The choices remembered for a file with these ``headers``; never raises for a bad file."""
    headers = list(headers)
    try:
        data = read_store(store)
    except InputError as err:
        return Remembered(warning=f"{err}; starting from the defaults")
    entries = data.get(REMEMBERED_KEY, [])
    if not isinstance(entries, list):
        return Remembered(warning=f"{store}: the remembered choices are damaged (not a list); "
                                  "starting from the defaults")
    columns = _columns(headers)
    entry = next((e for e in entries if _same_columns(e, columns)), None)
    if entry is None:
        return Remembered()
    mapping, policy = entry.get("mapping"), entry.get("policy", {})
    try:
        if not isinstance(mapping, dict) or not mapping or not isinstance(policy, dict):
            raise UsageError("not a mapping and a policy")
        mapping = check_mapping(mapping, headers)
        policy = {str(k): v for k, v in policy.items()}
        resolve_policy(policy)  # an unknown kind or an action it does not offer
    except UsageError as err:
        return Remembered(warning=f"{store}: the remembered choices for these columns are damaged ({err}); "
                                  "starting from the defaults")
    return Remembered(mapping, policy)


def remember_choices(store: Path, headers: Iterable[str], mapping: MappingABC[str, object],
                     policy: MappingABC[str, str] | None) -> Path:
    """Keep ``mapping`` and ``policy`` for the next import of these columns (replacing what was
    kept for them). InputError, and the file left as it is, when it cannot be read; UsageError
    for a mapping or policy that does not fit."""
    headers = list(headers)
    data = read_store(store)
    clean = check_mapping(mapping, headers)
    chosen = {kind: action for kind, action in resolve_policy(policy).items() if action != KINDS[kind].default}
    columns = _columns(headers)
    entries = data.get(REMEMBERED_KEY)
    entries = [e for e in entries if not _same_columns(e, columns)] if isinstance(entries, list) else []
    entries.insert(0, {"columns": columns, "mapping": clean, "policy": chosen})
    data[REMEMBERED_KEY] = entries[:MAX_REMEMBERED]
    return write_store(store, data)
