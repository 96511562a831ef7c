"""Reading an uploaded batch XML: safely (no DTD, no entities, no network) and in constant memory.

A batch may hold a million recipients, so the file is read with ``iterparse`` and every
``<address>`` is dropped as soon as it is counted. Only what intake and tracking need is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

# lxml parser switches that make hostile XML harmless: no entity expansion (billion laughs), no
# external DTD or entity fetch (XXE), no network, and libxml2's size limits left on.
SAFE_PARSE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}

_WANTED = ("{*}filename", "{*}job", "{*}address")  # the only elements intake and tracking look at
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
    international: int = 0  # recipients whose <country> is neither blank nor the US
    first_address: list[str] = field(default_factory=list)  # the first recipient's lines (for proofs)


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
    name: str = ""
    organization: str = ""
    address1: str = ""
    country: str = ""
    unique_id: str = ""  # <c2m_uniqueid>, when the list gave one


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


def _check_root(root) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise BatchXmlError("Batch XML must not contain a DOCTYPE declaration.")
    if _local(root.tag) != "batch":
        raise BatchXmlError(f"Batch XML root element must be <batch>, not <{_local(root.tag)}> (line {root.sourceline}).")


def _elements(path: Path) -> Iterator[tuple[str, object, bool]]:
    """(name, element, child of the root?) for each <filename>, <job> and <address> as it ends.

    Only those three reach Python (lxml filters the rest in C), which keeps a million recipients
    fast. Rejects a DOCTYPE and a root other than <batch>; libxml2 syntax errors become one line
    with the line number.
    """
    from lxml import etree

    context = etree.iterparse(str(path), events=("end",), tag=_WANTED, **SAFE_PARSE)
    root = None
    try:
        for _, el in context:
            if root is None:
                root = el.getroottree().getroot()
                _check_root(root)
            yield _local(el.tag), el, el.getparent() is root
        if root is None:  # none of the three elements: still say what is wrong with the document
            _check_root(context.root)
    except etree.XMLSyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        raise BatchXmlError(f"Batch XML is not well-formed: {where}{exc.msg}") from None


def _is_recipient(el) -> bool:
    parent = el.getparent()
    return parent is not None and _local(parent.tag) == "recipients"


def read_batch_spec(path: Path) -> BatchSpec:
    """The batch's filename and, per job, page range, print options and recipient count."""
    filename = ""
    jobs: list[JobSpec] = []
    pieces = abroad = 0  # addresses (and international ones) seen since the last </job>
    first: list[str] = []
    for name, el, top in _elements(path):
        if name == "address":
            if _is_recipient(el):
                pieces += 1
                abroad += _abroad(_text(_child(el, "country")))
                if pieces == 1:
                    first = _address_lines(el)
            _drop(el)
        elif name == "filename" and top:
            filename = _text(el) or ""
        elif name == "job" and top:
            spec = _job_spec(el, len(jobs) + 1, el.sourceline or 0, pieces)
            spec.international, spec.first_address = abroad, first
            jobs.append(spec)
            pieces = abroad = 0
            first = []
            _drop(el)
    return BatchSpec(filename=filename, jobs=jobs)


def _abroad(country: str | None) -> int:
    from c2m_tui.sim.molpro import is_international

    return int(is_international(country))


def _address_lines(el) -> list[str]:
    """An address as it is printed: name, organisation, street lines, "CITY ST ZIP", country."""
    get = {n: _text(_child(el, n)) or "" for n in
           ("name", "organization", "address1", "address2", "address3", "city", "state", "postalCode", "country")}
    lines = [get[n] for n in ("name", "organization", "address1", "address2", "address3") if get[n]]
    lines.append(" ".join(p for p in (get["city"], get["state"], get["postalCode"]) if p))
    if get["country"]:
        lines.append(get["country"])
    return lines


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
    job_index = 1
    for name, el, top in _elements(path):
        if name == "address":
            if _is_recipient(el):
                yield Piece(
                    job_index=job_index,
                    city=_text(_child(el, "city")) or "",
                    state=_text(_child(el, "state")) or "",
                    postal_code=_text(_child(el, "postalCode")) or "",
                    name=_text(_child(el, "name")) or "",
                    organization=_text(_child(el, "organization")) or "",
                    address1=_text(_child(el, "address1")) or "",
                    country=_text(_child(el, "country")) or "",
                    unique_id=_text(_child(el, "c2m_uniqueid")) or "",
                )
            _drop(el)
        elif name == "job" and top:
            job_index += 1
            _drop(el)
