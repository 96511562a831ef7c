"""Reading an uploaded batch XML: safely (no DTD, no entities, no network) and in constant memory.

A batch may hold a million recipients, so the file is read with ``iterparse`` and every
``<address>`` is dropped as soon as it is counted. Only what intake and tracking need is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# lxml parser switches that make hostile XML harmless: no entity expansion (billion laughs), no
# external DTD or entity fetch (XXE), no network, and libxml2's size limits left on.
SAFE_PARSE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}

OPTION_ELEMENTS = (
    "documentClass",
    "layout",
    "productionTime",
    "envelope",
    "color",
    "paperType",
    "printOption",
    "mailClass",
)


class BatchXmlError(Exception):
    """The uploaded XML cannot be read as a batch; the message is what the batch status reports."""


@dataclass(slots=True)
class JobSpec:
    """What intake needs from one ``<job>``: raw texts, validated later against the PDF and catalog."""

    index: int  # 1-based
    line: int
    starting_page: str | None
    ending_page: str | None
    options: dict[str, str | None] | None  # element name -> text; None if <printProductionOptions> is missing
    pieces: int


@dataclass(slots=True)
class BatchSpec:
    filename: str
    jobs: list[JobSpec]


@dataclass(slots=True)
class Piece:
    """One recipient of one job, as tracking needs it."""

    job_index: int
    city: str
    state: str
    postal_code: str


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(el) -> str | None:
    return None if el is None else (el.text or "").strip()


def _child(el, name: str):
    for child in el:
        if _local(child.tag) == name:
            return child
    return None


def _drop(el) -> None:
    """Free an element already read, and the siblings before it (the usual iterparse idiom)."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _events(path: Path) -> Iterator[tuple[str, object, int]]:
    """(event, element, depth) of a safe iterparse; the root is depth 1. Rejects a DOCTYPE and a
    root other than <batch>; turns libxml2 syntax errors into one line with the line number."""
    from lxml import etree

    depth = 0
    try:
        for event, el in etree.iterparse(str(path), events=("start", "end"), **SAFE_PARSE):
            if event == "start":
                depth += 1
                if depth == 1:
                    docinfo = el.getroottree().docinfo
                    if docinfo.doctype or docinfo.internalDTD is not None:
                        raise BatchXmlError("Batch XML must not contain a DOCTYPE declaration.")
                    if _local(el.tag) != "batch":
                        raise BatchXmlError(
                            f"Batch XML root element must be <batch>, not <{_local(el.tag)}> (line {el.sourceline})."
                        )
                yield event, el, depth
            else:
                yield event, el, depth
                depth -= 1
    except etree.XMLSyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        raise BatchXmlError(f"Batch XML is not well-formed: {where}{exc.msg}") from None


def read_batch_spec(path: Path) -> BatchSpec:
    """The batch's filename and, per job, page range, print options and recipient count."""
    filename = ""
    jobs: list[JobSpec] = []
    pieces = 0
    job_line = 0
    for event, el, depth in _events(path):
        name = _local(el.tag)
        if event == "start":
            if depth == 2 and name == "job":
                pieces = 0
                job_line = el.sourceline or 0
            continue
        if depth == 4 and name == "address" and _local(el.getparent().tag) == "recipients":
            pieces += 1
            _drop(el)
        elif depth == 2 and name == "filename":
            filename = _text(el) or ""
        elif depth == 2 and name == "job":
            jobs.append(_job_spec(el, len(jobs) + 1, job_line, pieces))
            _drop(el)
    return BatchSpec(filename=filename, jobs=jobs)


def _job_spec(job, index: int, line: int, pieces: int) -> JobSpec:
    opts_el = _child(job, "printProductionOptions")
    options = None
    if opts_el is not None:
        options = {name: _text(_child(opts_el, name)) for name in OPTION_ELEMENTS}
    return JobSpec(
        index=index,
        line=line,
        starting_page=_text(_child(job, "startingPage")),
        ending_page=_text(_child(job, "endingPage")),
        options=options,
        pieces=pieces,
    )


def iter_pieces(path: Path) -> Iterator[Piece]:
    """Every recipient in document order, with the 1-based index of its job."""
    job_index = 0
    for event, el, depth in _events(path):
        name = _local(el.tag)
        if event == "start":
            if depth == 2 and name == "job":
                job_index += 1
            continue
        if depth == 4 and name == "address" and _local(el.getparent().tag) == "recipients":
            yield Piece(
                job_index=job_index,
                city=_text(_child(el, "city")) or "",
                state=_text(_child(el, "state")) or "",
                postal_code=_text(_child(el, "postalCode")) or "",
            )
            _drop(el)
        elif depth == 2 and name == "job":
            _drop(el)
