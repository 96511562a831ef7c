"""The batch XML we upload: a streaming writer and a forgiving, safe reader.

Writer: ``lxml.etree.xmlfile`` writes one ``<address>`` at a time, so memory stays flat whether a
job has ten recipients or a million (recipients may be a generator); an address of plain text is
formatted from a template instead, byte for byte what lxml writes (``_plain_address``). Element order follows the
reference §3.1, which the server's XSD is believed to enforce. Credentials are never written:
HTTP Basic auth is what counts, and the models have no place for them.

Control characters XML 1.0 cannot hold (U+0000-U+001F except tab, newline, carriage return;
lone surrogates; U+FFFE/U+FFFF) are *rejected* with an InputError naming the job, recipient and
field, not stripped: silently changing an address that goes on paper is worse than asking.

Reader: accepts what real clients wrote (credentials inside, ``standalone``, character
references, tabs, ``xmlns:xsi``, a postcard job without ``<envelope>``), reports ignored
credentials in ``notes``, and records the source line of each job and recipient.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from lxml import etree

from c2m_tui.core.atomic import atomic_write
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress
from c2m_tui.core.safexml import XMLRejected, iterparse_safe, reject_doctype, syntax_message

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
CREDENTIAL_ELEMENTS = frozenset({"username", "password"})
# job children the writer owns; extras may not reuse these names
_JOB_ELEMENTS = frozenset({"startingPage", "endingPage", "printProductionOptions", "returnAddress", "recipients"})
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_ADDRESS_TAGS = tuple(xml for _, xml in Address.ELEMENTS)
_ADDRESS_ATTRS = tuple(attr for attr, _ in Address.ELEMENTS)
_RETURN_TAGS = tuple(xml for _, xml in ReturnAddress.ELEMENTS)
_RETURN_ATTRS = tuple(attr for attr, _ in ReturnAddress.ELEMENTS)
_OPTION_TAGS = tuple(xml for _, xml in PrintOptions.ELEMENTS)
_OPTION_ATTRS = tuple(attr for attr, _ in PrintOptions.ELEMENTS)

# indentation written as text/tails: recipients sit 4 levels deep
_IND = ["\n" + "  " * n for n in range(8)]


@dataclass(slots=True)
class WriteStats:
    """What was written: jobs, pieces (recipients over all jobs), pages (printed: range x pieces)."""

    jobs: int = 0
    pieces: int = 0
    pages: int = 0


def _where(job: int | None, recipient: int | None, name: str) -> str:
    parts = []
    if job is not None:
        parts.append(f"job {job}")
    if recipient is not None:
        parts.append(f"recipient {recipient}")
    parts.append(name)
    return ", ".join(parts)


def _bad_text(value: object, job: int | None, recipient: int | None, name: str) -> InputError:
    """The InputError for a value lxml refused: say which character, and where."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return InputError(f"{_where(job, recipient, name)}: expected text, got {type(value).__name__} {value!r:.40}")
    if not isinstance(value, str):  # a number where text is expected: a ZIP would lose its leading zero
        return InputError(f"{_where(job, recipient, name)}: expected text, got the number {value!r}; "
                          "store it as text")
    m = _NOT_XML_CHAR.search(value)
    what = f"character U+{ord(m.group()):04X}" if m else "a value"
    return InputError(f"{_where(job, recipient, name)}: {what} cannot be written in XML 1.0; remove it from the input")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(type(value).__name__)


def _leaf(tag: str, value: object, job: int | None, recipient: int | None) -> etree._Element:
    el = etree.Element(tag)
    try:
        el.text = _text(value)
    except (ValueError, TypeError):
        raise _bad_text(value, job, recipient, tag) from None
    return el


def _block(tag: str, depth: int, values: Iterable[tuple[str, object]], job: int | None,
           recipient: int | None) -> etree._Element:
    """``<tag>`` holding one leaf per value, indented for nesting ``depth``."""
    el = etree.Element(tag)
    el.text = _IND[depth + 1]
    child = None
    for name, value in values:
        child = _leaf(name, value, job, recipient)
        child.tail = _IND[depth + 1]
        el.append(child)
    if child is not None:
        child.tail = _IND[depth]
    return el


def _address_element(addr: Address, job: int, recipient: int) -> etree._Element:
    # The hot loop of a million-recipient batch: plain SubElement calls; lxml itself refuses
    # characters XML cannot hold, and only then do we look for which field it was.
    el = etree.Element("address")
    el.text = "\n        "
    sub = etree.SubElement
    try:
        for attr, tag in Address.ELEMENTS:
            child = sub(el, tag)
            child.text = getattr(addr, attr)
            child.tail = "\n        "
        if addr.unique_id:
            child = sub(el, "c2m_uniqueid")
            child.text = addr.unique_id
    except (ValueError, TypeError):
        for attr, tag in Address.ELEMENTS + (("unique_id", "c2m_uniqueid"),):
            value = getattr(addr, attr)
            if not isinstance(value, str) or _NOT_XML_CHAR.search(value):
                raise _bad_text(value, job, recipient, tag) from None
        raise
    child.tail = "\n      "
    return el


# The common address (text only, nothing lxml would escape or refuse) is written from a template:
# 8x faster than an element tree each. Any other goes through lxml (_address_element), which
# escapes it and refuses what XML cannot hold, so the bytes are lxml's either way.
_NEEDS_LXML = re.compile("[^\t\n\u0020-\u0025\u0027-\u003b\u003d\u003f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ADDRESS_VALUES = attrgetter(*(attr for attr, _ in Address.ELEMENTS), "unique_id")
_ADDRESS_OPEN = "\n      <address>" + "".join(f"\n        <{tag}>{{}}</{tag}>" for _, tag in Address.ELEMENTS)
_ADDRESS_PLAIN = (_ADDRESS_OPEN + "\n      </address>").replace("{}", "%s")
_ADDRESS_WITH_ID = (_ADDRESS_OPEN + "\n        <c2m_uniqueid>{}</c2m_uniqueid>\n      </address>").replace("{}", "%s")
_RAW_CHUNK = 2000  # addresses a write


def _plain_address(addr: Address) -> str | None:
    """``addr`` as lxml would write it after ``_IND[3]``, or None when lxml must (see above)."""
    values = _ADDRESS_VALUES(addr)
    try:
        joined = "".join(values)
    except TypeError:  # not text: lxml's path names the field
        return None
    if _NEEDS_LXML.search(joined) is not None:
        return None
    if values[-1]:
        return _ADDRESS_WITH_ID % values
    return _ADDRESS_PLAIN % values[:-1]


def _write_recipients(xf, fh: BinaryIO, recipients: Iterable[Address], index: int) -> int:
    """Every recipient of job ``index`` inside the open ``<recipients>``; returns how many. Plain
    addresses are joined and written to ``fh`` straight (after ``xf.flush()``, so they land where
    xmlfile stands); the others through ``xf`` as elements."""
    pieces = 0
    plain: list[str] = []

    def write_plain() -> None:
        xf.flush()
        fh.write("".join(plain).encode("utf-8"))
        plain.clear()

    for pieces, addr in enumerate(recipients, 1):
        text = _plain_address(addr)
        if text is not None:
            plain.append(text)
            if len(plain) >= _RAW_CHUNK:
                write_plain()
            continue
        if plain:
            write_plain()
        xf.write(_IND[3])
        xf.write(_address_element(addr, index, pieces))
    if plain:
        write_plain()
    return pieces


def _check_extra(name: str, job: int) -> None:
    if name in CREDENTIAL_ELEMENTS:
        raise InputError(f"job {job}: <{name}> may not be a job extra: credentials never go into the batch XML")
    if name in _JOB_ELEMENTS or not _XML_NAME.match(name) or name.lower().startswith("xml"):
        raise InputError(f"job {job}: {name!r} cannot be used as an extra job element")


def _write_job(xf, fh: BinaryIO, job: Job, index: int, stats: WriteStats) -> None:
    for name, value in (("startingPage", job.starting_page), ("endingPage", job.ending_page)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"job {index}, {name}: {value!r} is not a whole page number")
    with xf.element("job"):
        xf.write(_IND[2])
        xf.write(_leaf("startingPage", job.starting_page, index, None))
        xf.write(_IND[2])
        xf.write(_leaf("endingPage", job.ending_page, index, None))
        xf.write(_IND[2])
        opts = job.options
        # all eight options in order, <envelope/> empty when there is none (a postcard), as every
        # official writer does (reference §9.5)
        pairs = [(tag, getattr(opts, attr)) for attr, tag in PrintOptions.ELEMENTS]
        options_el = _block("printProductionOptions", 2, pairs, index, None)
        envelope_el = options_el.find("envelope")
        if envelope_el is not None and not envelope_el.text:
            envelope_el.text = None  # <envelope/>
        options_el.tail = None
        xf.write(options_el)
        for name, value in job.extras.items():
            _check_extra(name, index)
            xf.write(_IND[2])
            xf.write(_leaf(name, value, index, None))
        if job.return_address is not None:
            ra = job.return_address
            el = _block("returnAddress", 2, ((tag, getattr(ra, attr)) for attr, tag in ReturnAddress.ELEMENTS),
                        index, None)
            xf.write(_IND[2])
            xf.write(el)
        xf.write(_IND[2])
        with xf.element("recipients"):
            pieces = _write_recipients(xf, fh, job.recipients, index)
            xf.write(_IND[2])
        xf.write(_IND[1])
    stats.jobs += 1
    stats.pieces += pieces
    stats.pages += pieces * max(job.page_count, 0)


def _write_to(fh: BinaryIO, batch: Batch) -> WriteStats:
    stats = WriteStats()
    fh.write(DECLARATION)
    with etree.xmlfile(fh, encoding="UTF-8") as xf:
        with xf.element("batch"):
            head = [("filename", batch.filename)]
            if batch.app_signature:
                head.append(("appSignature", batch.app_signature))
            for tag, value in head:
                xf.write(_IND[1])
                xf.write(_leaf(tag, value, None, None))
            for index, job in enumerate(batch.jobs, 1):
                xf.write(_IND[1])
                _write_job(xf, fh, job, index, stats)
            xf.write(_IND[0])
    fh.write(b"\n")
    return stats


def write_batch(batch: Batch, dest: str | Path | BinaryIO) -> WriteStats:
    """Write ``batch`` as Batch API XML. A path is written atomically (a temporary file renamed on
    success), so an InputError half-way (a bad character in recipient 900,000) leaves no partial file."""
    if isinstance(dest, (str, Path)):
        with atomic_write(dest) as out:
            return _write_to(out.file, batch)
    return _write_to(dest, batch)


def batch_xml_bytes(batch: Batch) -> bytes:
    buf = io.BytesIO()
    _write_to(buf, batch)
    return buf.getvalue()


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class ReadBatch:
    """A batch read back from XML, with where each job and recipient starts in the source."""

    batch: Batch
    notes: list[str] = field(default_factory=list)
    job_lines: list[int] = field(default_factory=list)  # job_lines[i] = line of the i-th <job> (0-based i)
    recipient_lines: list[list[int]] = field(default_factory=list)  # per job, line of each <address>
    had_credentials: bool = False


def local_name(el: etree._Element) -> str:
    tag = el.tag
    if type(tag) is not str:  # a comment's or a processing instruction's tag is a function
        return ""
    return tag if tag[0] != "{" else tag.rsplit("}", 1)[-1]


def child_texts(el: etree._Element) -> dict[str, str]:
    """Element children by local name -> text ("" when empty); the first one wins."""
    out: dict[str, str] = {}
    for child in el:
        name = local_name(child)
        if name and name not in out:
            out[name] = child.text or ""
    return out


def address_from_element(el: etree._Element) -> Address:
    t = child_texts(el)
    addr = Address(*(t.get(tag, "") for tag in _ADDRESS_TAGS))
    addr.unique_id = t.get("c2m_uniqueid", "")
    return addr


def return_address_from_element(el: etree._Element) -> ReturnAddress:
    t = child_texts(el)
    return ReturnAddress(*(t.get(tag, "") for tag in _RETURN_TAGS))


def options_from_element(el: etree._Element | None) -> PrintOptions:
    """Print options as written; an absent element reads as "" (envelope: None, as does an empty one)."""
    t = child_texts(el) if el is not None else {}
    values = {attr: t.get(tag, "") for attr, tag in PrintOptions.ELEMENTS}
    if not t.get("envelope"):
        values["envelope"] = None
    return PrintOptions(**values)


def parse_page(text: str | None, name: str, line: int | None, job: int) -> int:
    value = (text or "").strip()
    if not value.isdigit():
        where = f"line {line}: " if line else ""
        raise InputError(f'{where}job {job}, {name}: "{value}" is not a whole page number')
    return int(value)


def _job_from_element(el: etree._Element, index: int, recipients: list[Address]) -> Job:
    kids = {local_name(c): c for c in reversed(el)}  # first occurrence wins
    pages = []
    for name in ("startingPage", "endingPage"):
        child = kids.get(name)
        pages.append(parse_page(child.text if child is not None else None, name,
                                child.sourceline if child is not None else el.sourceline, index))
    ra = kids.get("returnAddress")
    extras = {local_name(c): c.text or "" for c in el
              if local_name(c) and local_name(c) not in _JOB_ELEMENTS and local_name(c) not in CREDENTIAL_ELEMENTS}
    return Job(
        starting_page=pages[0], ending_page=pages[1], options=options_from_element(kids.get("printProductionOptions")),
        recipients=recipients, return_address=return_address_from_element(ra) if ra is not None else None,
        extras=extras,
    )


def open_source(source: str | Path | bytes, label: str = "batch XML") -> tuple[BinaryIO, str]:
    """An open binary file of a batch XML, normalised (UTF-8, see ``xml_bytes``), and the name to
    use for it in messages (``label`` for raw bytes). A path must name a regular file (a FIFO would
    block and /dev/zero never end); plain UTF-8 streams from disk, anything else is normalised in
    memory first, so what is validated is what is uploaded."""
    from c2m_tui.core.inputfile import open_regular
    from c2m_tui.core.xml_bytes import normalise_batch_xml, read_batch_xml, streams_as_is

    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(normalise_batch_xml(bytes(source), label)), label
    path = Path(source)
    fh = os.fdopen(open_regular(path, "a batch XML file"), "rb")
    try:
        head = fh.read(512)
        fh.seek(0)
    except OSError as err:
        fh.close()
        raise InputError(f"{path}: cannot read: {err.strerror}") from None
    if streams_as_is(head):
        return fh, str(path)
    fh.close()
    return io.BytesIO(read_batch_xml(path)), str(path)


def load_source(source: str | Path | bytes, label: str = "batch XML") -> tuple[bytes, str]:
    """The normalised bytes of a batch XML (UTF-8 with a declaration, see ``xml_bytes``; a file of at
    most ``MAX_XML_BYTES``) and the name to use for it in messages (``label`` for raw bytes)."""
    from c2m_tui.core.xml_bytes import normalise_batch_xml, read_batch_xml

    if isinstance(source, (bytes, bytearray)):
        return normalise_batch_xml(bytes(source), label), label
    return read_batch_xml(source), str(Path(source))


def read_batch(source: str | Path | bytes) -> ReadBatch:
    """Read batch XML (a path or bytes). InputError, naming the file and line, on anything malformed."""
    return _reading(source, _read)


def _reading(source: str | Path | bytes, read: Callable[[bytes], ReadBatch]) -> ReadBatch:
    data, label = load_source(source)
    try:
        return read(data)
    except XMLRejected as err:
        raise InputError(f"{label}: {err.message}") from None
    except InputError as err:
        raise InputError(f"{label}: {err.message}") from None


def _read(data: bytes) -> ReadBatch:
    jobs: list[Job] = []
    recipients: list[Address] = []
    lines: list[int] = []
    per_job_lines: list[list[int]] = []

    def take(el) -> None:
        recipients.append(address_from_element(el))
        lines.append(el.sourceline)

    def job_done(job: Job) -> None:
        job.recipients = recipients.copy()
        jobs.append(job)
        per_job_lines.append(lines.copy())
        recipients.clear()
        lines.clear()

    result = _parse(data, take, job_done)
    result.batch.jobs = jobs
    result.recipient_lines = per_job_lines
    return result


def drop_read(el: etree._Element) -> None:
    """Clear ``el`` and drop the siblings read before it, so a streamed read stays flat (a cleared
    element left in the tree still costs ~150 bytes: 36 MB over 250,000 addresses)."""
    el.clear()
    parent = el.getparent()
    while el.getprevious() is not None:
        del parent[0]


def _parse(data: bytes, on_address: Callable[[etree._Element], None], on_job: Callable[[Job], None]) -> ReadBatch:
    """The one reading loop: ``on_address`` sees each ``<address>`` element as it ends (then it is
    dropped, so memory stays flat), ``on_job`` each job as it ends, its recipients not filled in.
    The result has the batch's filename, signature, notes and job lines; no jobs."""
    if not data or data.isspace():  # (``not data.strip()`` without a copy of the whole file)
        raise XMLRejected("empty file: expected batch XML")
    reject_doctype(data)
    result = ReadBatch(batch=Batch(filename="", jobs=[], app_signature=None))
    depth = 0
    root_seen = in_job = False
    try:
        for event, el in iterparse_safe(io.BytesIO(data), events=("start", "end")):
            # only the root, its children and the addresses matter here: an address's own fields
            # (most of the events of a big batch) are read whole by on_address, not one by one
            if event == "start":
                depth += 1
                if depth > 2:
                    continue
                name = local_name(el)
                if depth == 1:
                    root_seen = True
                    if name != "batch":
                        raise XMLRejected(f"line {el.sourceline}: root element is <{name}>, expected <batch>")
                elif depth == 2 and name == "job":
                    result.job_lines.append(el.sourceline)
                    in_job = True
                continue
            depth -= 1
            if depth != 3 and depth != 1:
                continue
            name = local_name(el)
            if depth == 3 and name == "address":  # batch > job > recipients > address
                if in_job:  # (an <address> in anything else is nobody's recipient)
                    on_address(el)
                drop_read(el)
            elif depth == 1:  # a child of <batch>
                if name == "job":
                    in_job = False
                    on_job(_job_from_element(el, len(result.job_lines), []))
                else:
                    _root_child(result, el, name)
                drop_read(el)
    except etree.XMLSyntaxError as err:
        text, line = syntax_message(err)
        where = f"line {line}: " if line else ""
        raise XMLRejected(f"{where}malformed XML: {text}", line=line) from None
    if not root_seen:
        raise XMLRejected("no <batch> element found")
    if not result.job_lines:
        result.notes.append("the batch has no <job>")
    return result


def _root_child(result: ReadBatch, el, name: str) -> None:
    if name in CREDENTIAL_ELEMENTS:
        if not result.had_credentials:
            result.notes.append("embedded <username>/<password> ignored: HTTP Basic auth is used")
        result.had_credentials = True
    elif name == "filename":
        result.batch.filename = el.text or ""
    elif name == "appSignature":
        result.batch.app_signature = el.text or ""
    elif name:
        result.notes.append(f"line {el.sourceline}: unknown element <{name}> ignored")


@dataclass(slots=True)
class JobTally:
    """One job as ``tally_jobs`` counted it: the job (its recipients not kept), how many recipients
    it has, how many per country as written, its first ``keep`` recipients and, after those, its
    last ``keep``."""

    index: int  # 1-based
    job: Job
    recipients: int
    countries: dict[str, int]
    first: list[Address]
    last: list[Address]


def tally_jobs(source: str | Path | bytes, visit: Callable[[JobTally], None], keep: int = 3) -> ReadBatch:
    """Read a batch XML as ``read_batch`` does, but hand each job to ``visit`` as a ``JobTally``
    instead of keeping its recipients: memory stays flat at a million recipients (``read_batch``
    holds them all: ~0.9 GB). Returns what ``read_batch`` would, without the jobs."""
    from collections import deque

    countries: dict[str, int] = {}
    first: list[Address] = []
    last: deque[Address] = deque(maxlen=keep)
    count = 0
    jobs = 0

    def take(el) -> None:
        nonlocal count
        addr = address_from_element(el)
        countries[addr.country] = countries.get(addr.country, 0) + 1
        count += 1
        if len(first) < keep:
            first.append(addr)
        else:
            last.append(addr)

    def job_done(job: Job) -> None:
        nonlocal count, jobs
        jobs += 1
        visit(JobTally(jobs, job, count, dict(countries), first.copy(), list(last)))
        countries.clear()
        first.clear()
        last.clear()
        count = 0

    return _reading(source, lambda data: _parse(data, take, job_done))
