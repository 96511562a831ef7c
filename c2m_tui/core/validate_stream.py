"""Streaming validation: the same report as the whole-tree validator, in flat memory.

The batch XML is read with ``iterparse``. Each ``<address>`` is checked against the schema on its
own (lxml validates an element as the root of a stand-in document, keeping its source lines), then
by the address rules, then dropped; each ``<job>`` is checked the same way once its addresses are
gone but the first; the ``<batch>`` itself last, once its jobs are emptied. Schema paths are
rewritten to the whole document's (``/batch/job[2]/recipients/address[5]/postalCode``), so every
message, line, job and recipient is what the whole-tree validator reports.

That holds while the document has the shape libxml2 would walk the same way in both: recipients
holding only ``<address>`` elements, one ``<recipients>`` a job, no element out of place among a
job's or the batch's children (after such an error libxml2 stops checking the siblings that
follow). Anything else raises ``NeedWholeTree``, and the caller validates the whole tree instead:
a broken file is rare, and then exact messages matter more than memory.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import BinaryIO

from lxml import etree

from c2m_tui.core.safexml import PARSER_OPTIONS

XS = "http://www.w3.org/2001/XMLSchema"
_NOT_EXPECTED = "This element is not expected"
_DOCTYPE_HINTS = (b"<!", "<!".encode("utf-16-le"), "<!".encode("utf-16-be"))
_CHUNK = 8 * 1024 * 1024
_DROP_EVERY = 1024  # addresses kept in memory at most, between drops
_local = threading.local()


class NeedWholeTree(Exception):
    """The document's shape needs the whole-tree validator for exact messages."""


def _part_schema(batch_schema_doc: etree._ElementTree) -> etree.XMLSchema | None:
    """The batch schema with ``job`` and ``address`` also declared at the top, so either can be
    validated as the root of its own subtree; None if the schema has no such declarations."""
    root = copy.deepcopy(batch_schema_doc.getroot())
    for name in ("job", "address"):
        found = root.xpath(f".//xs:element[@name='{name}']", namespaces={"xs": XS})
        if len(found) != 1 or found[0].getparent() is root:
            return None
        decl = copy.deepcopy(found[0])
        for attr in ("minOccurs", "maxOccurs"):
            decl.attrib.pop(attr, None)
        root.append(decl)
    try:
        return etree.XMLSchema(root)
    except etree.XMLSchemaParseError:
        return None


def part_schema(batch_schema_doc: etree._ElementTree, make_quick) -> tuple:
    """The part schema and the quick-accept one (``make_quick(doc)``, or None), one pair per thread
    like the batch schema: an XMLSchema keeps its error log on itself."""
    if not hasattr(_local, "schemas"):
        _local.schemas = (_part_schema(batch_schema_doc), make_quick(batch_schema_doc))
    return _local.schemas


def has_doctype(fh: BinaryIO, patterns: tuple[re.Pattern, ...]) -> bool:
    """Whether the file holds a DOCTYPE anywhere, read in 8 MiB chunks (a cheap ``find`` first)."""
    tail = b""
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            return False
        window = tail + chunk
        if any(hint in window for hint in _DOCTYPE_HINTS) and any(p.search(window) for p in patterns):
            return True
        tail = window[-32:]


def stream_check(fh: BinaryIO, batch_schema: etree.XMLSchema, parts: etree.XMLSchema,
                 quick: etree.XMLSchema | None, check_address, check_job) -> tuple[etree._Element | None, list, list]:
    """One pass over ``fh``. ``check_address(el, job, recipient)`` sees each address before it is
    dropped, unless ``quick`` accepts it (then neither the schema nor the checks have anything to
    say; not used once a comment or processing instruction turned up inside the batch, as the
    schema reads text across them and the checks do not); ``check_job(el, job, pieces, schema_errors)`` sees each job, its addresses gone but the
    first, with its schema problems (and its addresses') in document order as ``(entry, path)``.
    Returns the root and the batch's own schema problems: those before its jobs, and after."""
    job_index = recipient = attached = 0
    recipients_el = None  # the <recipients> being read; its first address stays as a stand-in
    address_errors: list = []
    context = etree.iterparse(fh, events=("end", "comment", "pi"),
                              tag=("address", "job", etree.Comment, etree.PI), **PARSER_OPTIONS)
    for _, el in context:
        parent = el.getparent()
        tag = el.tag
        if tag.__class__ is not str:  # a comment or processing instruction
            if parent is not None:
                quick = None
            continue
        if tag == "address":
            if parent is not recipients_el:
                job = parent.getparent() if parent is not None and parent.tag == "recipients" else None
                if job is None or job.tag != "job" or job.getparent() is None or \
                        job.getparent().getparent() is not None:
                    continue  # not batch/job/recipients/address: the job's or the batch's check reports it
                if recipients_el is not None and recipients_el.getparent() is job:
                    raise NeedWholeTree("two <recipients> in one job")
                recipients_el, recipient, attached = parent, 0, 0
            recipient += 1
            attached += 1
            if quick is None or not quick.validate(el):
                if not parts.validate(el):
                    address_errors.extend(_errors(parts, el, f"/batch/job[{job_index + 1}]/recipients/address[{recipient}]"))
                check_address(el, job_index + 1, recipient)
            tail = el.tail
            if tail and not tail.isspace():
                raise NeedWholeTree("text between addresses")
            if attached >= _DROP_EVERY:  # drop the checked addresses but the first and this one
                at = parent.index(el)  # the parser may have read further: keep what follows
                if at + 1 != attached:
                    _only_addresses(parent, at)
                    at = parent.index(el)
                del parent[1:at]
                attached = 2
            continue
        if parent is None or parent.getparent() is not None:
            continue  # a <job> that is not a child of the root: the batch's check reports it
        job_index += 1
        pieces = recipient if recipients_el is not None and recipients_el.getparent() is el else 0
        recipients = [c for c in el if c.tag == "recipients"]
        if len(recipients) > 1:
            raise NeedWholeTree("two <recipients> in one job")
        for rec in recipients:
            _only_addresses(rec)
            del rec[1:]  # the stand-in stays, so <recipients> is not judged empty
        check_job(el, job_index, pieces, address_errors)
        address_errors = []
        recipients_el = None
        recipient = attached = 0
        tail = el.tail
        if tail and not tail.isspace():
            raise NeedWholeTree("text between jobs")
        el.clear(keep_tail=True)
        prev = el.getprevious()
        while prev is not None and prev.tag == "job":  # emptied jobs before this one
            parent.remove(prev)
            prev = el.getprevious()
    root = context.root
    return root, *(_batch_errors(batch_schema, root) if root is not None else ([], []))


def _only_addresses(recipients: etree._Element, end: int | None = None) -> None:
    """Drop comments and processing instructions (among the first ``end`` children); any element but
    <address> needs the whole tree."""
    for child in list(recipients)[:end]:
        if child.tag != "address":
            if isinstance(child.tag, str):
                raise NeedWholeTree("an element other than <address> in <recipients>")
            recipients.remove(child)


def _errors(schema: etree.XMLSchema, el: etree._Element, prefix: str) -> list:
    """Schema problems of ``el`` validated alone (just now, or again), with paths as in the whole document."""
    if schema.validate(el):
        return []
    cut = len(el.tag) + 1  # "/address" or "/job"
    return [(entry, prefix + (entry.path or "")[cut:]) for entry in schema.error_log]


def job_schema_errors(parts: etree.XMLSchema, job: etree._Element, index: int, address_errors: list) -> list:
    """The job's schema problems in document order: its elements before ``<recipients>``, its
    addresses' (checked one by one), then the job's and the recipients' own."""
    before, after = [], []
    for entry, path in _errors(parts, job, f"/batch/job[{index}]"):
        rest = path.split("/", 3)[3] if path.count("/") >= 3 else ""
        if rest.startswith("recipients/address"):
            continue  # the stand-in address: reported already
        if _NOT_EXPECTED in entry.message and "/" not in rest:
            raise NeedWholeTree("an element out of place in a job")
        (after if rest == "" or rest.startswith("recipients") else before).append((entry, path))
    return before + address_errors + after


def _batch_errors(schema: etree.XMLSchema, root: etree._Element) -> tuple[list, list]:
    before, after = [], []
    if root.tag != "batch" or schema.validate(root.getroottree()):
        return before, after
    for entry in schema.error_log:
        path = entry.path or ""
        parts = path.split("/")
        if _NOT_EXPECTED in entry.message and len(parts) == 3:
            raise NeedWholeTree("an element out of place in the batch")
        if len(parts) > 2 and parts[2].split("[", 1)[0] == "job":
            continue  # checked job by job
        (after if path == "/batch" else before).append((entry, path))
    return before, after
