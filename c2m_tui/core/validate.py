"""Pre-flight validation of a batch XML (and its PDF), offline, before any money is spent.

Three layers, each reporting problems with the XML line, the 1-based job and recipient index and
the element name: structure (element names first, so a misspelt ``<startingPge>`` is named with
its own line and a suggestion, then the shipped XSD, messages rewritten for people), product
options (the catalog: a value outside it is an error unless ``allow_unknown_options``), and content
(page ranges against the PDF, gaps and overlaps, the page and envelope capacity of reference §9.4,
required address fields, US states and ZIPs, field lengths). Errors make the batch invalid;
warnings do not. The CLI and the app print these same messages.

Unreadable input (missing file, malformed XML, a DTD, a bad PDF) raises InputError instead:
there is nothing to check.
"""

from __future__ import annotations

import re
import threading
from operator import gt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from c2m_tui.core.batchxml import CREDENTIAL_ELEMENTS, local_name, open_source, options_from_element
from c2m_tui.core.catalog import nearest, option_problems
from c2m_tui.core.errors import InputError
from c2m_tui.core.safexml import XMLRejected, parse_bytes
from c2m_tui.core.usps import (
    FIELD_LIMITS, US_STATES, ZIP_RE, is_us_country, is_us_state, normalize_zip, suggest_state, zero_zip_state, zip_lost_zero,
)

SCHEMA_PATH = Path(__file__).with_name("schema") / "batch.xsd"
KNOWN_JOB_ELEMENTS = frozenset({
    "startingPage", "endingPage", "printProductionOptions", "confirmationOfMailing", "ancillaryEndorsement",
    "returnAddress", "recipients",
})


@dataclass(slots=True)
class Problem:
    severity: str  # "error" | "warning"
    message: str
    line: int | None = None
    job: int | None = None
    recipient: int | None = None
    field: str | None = None
    suggestion: str | None = None
    unknown_option: bool = False  # a product option outside the catalog (--allow-unknown-options)

    def location(self) -> str:
        parts = [f"job {self.job}"] if self.job is not None else []
        if self.recipient is not None:
            parts.append(f"recipient {self.recipient}")
        if self.field:
            parts.append(self.field)
        return ", ".join(parts)

    def text(self) -> str:
        """``job 2, recipient 1, postalCode: message``: what the CLI and the app both print."""
        loc = self.location()
        return f"{loc + ': ' if loc else ''}{self.message}"

    def format(self, source: str) -> str:
        """``batch.xml:42: job 2, recipient 1, postalCode: message``"""
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.text()}"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "job": self.job, "recipient": self.recipient, "field": self.field,
                "message": self.message, "suggestion": self.suggestion}


@dataclass(slots=True)
class ValidationReport:
    source: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    jobs: int = 0
    pieces: int = 0
    pages: int = 0  # printed pages: each job's page range times its recipients
    pdf_pages: int | None = None
    allow_unknown_options: bool = False

    @property
    def unknown_options(self) -> list[Problem]:
        """Product options outside the catalog (errors, or warnings when allowed)."""
        return [p for p in self.errors + self.warnings if p.unknown_option]

    @property
    def valid(self) -> bool:
        return not self.errors

    def add(self, problem: Problem) -> None:
        (self.errors if problem.severity == "error" else self.warnings).append(problem)

    def problems(self) -> list[Problem]:
        """Errors and warnings together, in file order (problems without a line last)."""
        return sorted(self.errors + self.warnings, key=lambda p: (p.line is None, p.line or 0))

    def summary(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count:,} {word}{'' if count == 1 else 's'}"

        pdf = f" (PDF: {n(self.pdf_pages, 'page')})" if self.pdf_pages is not None else ""
        verdict = "valid" if self.valid else "INVALID"
        return (f"{self.source}: {verdict}: {n(self.jobs, 'job')}, {n(self.pieces, 'piece')}, "
                f"{n(self.pages, 'page')} to print{pdf}; {n(len(self.errors), 'error')}, "
                f"{n(len(self.warnings), 'warning')}")

    def to_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "errors": [p.to_json() for p in self.errors],
                "warnings": [p.to_json() for p in self.warnings]}


@lru_cache(maxsize=1)
def _schema_doc() -> etree._ElementTree:
    return etree.parse(str(SCHEMA_PATH))


_local = threading.local()


def _schema() -> etree.XMLSchema:
    """One validator per thread: an XMLSchema keeps its error log on itself."""
    schema = getattr(_local, "schema", None)
    if schema is None:
        schema = _local.schema = etree.XMLSchema(_schema_doc())
    return schema


def validate_batch(xml: str | Path | bytes, pdf: Path | None = None, *, source: str = "batch.xml",
                   allow_unknown_options: bool = False) -> ValidationReport:
    """Check a batch XML (path or bytes, normalised first: see ``xml_bytes``) and, with ``pdf``, its
    page ranges against the real PDF. ``source`` names raw bytes in messages. Malformed XML raises
    XMLRejected (an InputError) whose ``line`` is set when libxml2 gives one.

    Streamed (flat memory, see validate_stream); a document whose shape needs the whole tree for
    exact messages (a syntax error, a DOCTYPE, elements out of place) is read again as a tree."""
    fh, source = open_source(xml, source)
    with fh:
        pdf_pages = None
        if pdf is not None:
            from c2m_tui.core.pdf import pdf_info

            pdf_pages = pdf_info(pdf).pages
        report = _validate_streaming(fh, source, pdf_pages, allow_unknown_options)
        if report is None:
            fh.seek(0)
            try:
                data = fh.read()
            except OSError as err:
                raise InputError(f"{source}: cannot read: {err.strerror}") from None
    if report is None:
        report = validate_tree(data, source, pdf_pages, allow_unknown_options)
    if pdf is not None:
        from c2m_tui.core.zone_check import add_zone_problems

        add_zone_problems(report, xml, pdf)  # ink in the address zone, page sizes (rendered pages)
    return report


class _Collect:
    """Stands in for a report where problems must wait for their place in the order."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.add = self.items.append


def _validate_streaming(fh, source: str, pdf_pages: int | None, allow_unknown_options: bool = False) -> ValidationReport | None:
    from c2m_tui.core.safexml import _DOCTYPE_PATTERNS
    from c2m_tui.core.validate_stream import NeedWholeTree, has_doctype, job_schema_errors, part_schema, stream_check

    parts, quick = part_schema(_schema_doc(), quick_accept_schema)
    if parts is None or has_doctype(fh, _DOCTYPE_PATTERNS):
        return None  # the whole-tree path refuses the DOCTYPE with its line
    fh.seek(0)
    report = ValidationReport(source=source, pdf_pages=pdf_pages, allow_unknown_options=allow_unknown_options)
    job_warnings = _Collect()
    schema_entries: list = []
    checks = _Collect()
    pending = _Collect()  # the current job's address problems: they follow its page and option checks
    ranges: list[_Range] = []

    def check_address(el, job: int, recipient: int) -> None:
        address_checks(el, pending, job, recipient)

    def check_job(job_el, index: int, pieces: int, address_errors: list) -> None:
        _unknown_job_elements(job_el)
        schema_entries.extend(job_schema_errors(parts, job_el, index, address_errors))
        report.jobs += 1
        report.pieces += pieces
        _check_job(job_el, index, pieces, checks, report, ranges, pdf_pages)
        checks.items.extend(pending.items)
        pending.items.clear()

    try:
        root, before, after = stream_check(fh, _schema(), parts, quick, check_address, check_job)
    except (NeedWholeTree, etree.XMLSyntaxError):
        return None
    if root is None:
        return None
    if local_name(root) != "batch" or root.tag != "batch":
        report = ValidationReport(source=source, pdf_pages=pdf_pages,  # nothing else is reported
                                  allow_unknown_options=allow_unknown_options)
        report.add(_wrong_root(root))
        return report
    if before or schema_entries or after:
        # a file the schema finds fault with is judged whole, so an unknown or misspelt element is
        # named on its own line by element_name_checks (only broken files pay the tree's memory)
        return None
    _top_elements(root, report)
    for problem in job_warnings.items:
        report.add(problem)
    for problem in checks.items:
        report.add(problem)
    _coverage(ranges, report, pdf_pages)
    _sort(report)
    return report


def validate_tree(data: bytes, source: str, pdf_pages: int | None,
                  allow_unknown_options: bool = False) -> ValidationReport:
    """The whole-tree validator: the reference for every message the streaming one reports."""
    try:
        root = parse_bytes(data)
    except XMLRejected as err:
        raise XMLRejected(f"{source}: {err.message}", line=err.line) from None
    report = ValidationReport(source=source, pdf_pages=pdf_pages, allow_unknown_options=allow_unknown_options)
    if local_name(root) != "batch" or root.tag != "batch":
        report.add(_wrong_root(root))
        return report
    _check_top(root, report)
    element_name_checks(root, report)
    _check_structure(root, report)
    check_jobs(root, report, pdf_pages)
    _sort(report)
    return report


def _sort(report: ValidationReport) -> None:
    report.errors.sort(key=lambda p: (p.line is None, p.line or 0))
    report.warnings.sort(key=lambda p: (p.line is None, p.line or 0))


def _wrong_root(root: etree._Element) -> Problem:
    return Problem("error", f"the root element is <{root.tag}>; a batch XML starts with <batch>", line=root.sourceline)


def _check_top(root: etree._Element, report: ValidationReport) -> None:
    _top_elements(root, report)  # unknown elements are element_name_checks' errors


def _top_elements(root: etree._Element, report) -> None:
    for child in root:
        name = local_name(child)
        if name in CREDENTIAL_ELEMENTS:
            report.add(Problem(
                "warning", f"<{name}> inside the batch XML is ignored (HTTP Basic auth is used); remove it, "
                "so the file does not hold credentials in plain text", line=child.sourceline, field=name))
        elif name == "filename" and not (child.text or "").strip():
            report.add(Problem("warning", "filename is empty; Click2Mail shows it as the document name",
                               line=child.sourceline, field="filename"))
        elif name in FIELD_LIMITS and len(child.text or "") > FIELD_LIMITS[name]:
            report.add(Problem("warning", f"{name} is {len(child.text or '')} characters long; keep it under "
                               f"{FIELD_LIMITS[name]}", line=child.sourceline, field=name))


def _unknown_job_elements(job: etree._Element) -> None:
    """A job with an element c2m-tui does not know is judged as a whole tree (element_name_checks
    names it, with its line and the nearest known name): the stream gives up on it."""
    from c2m_tui.core.validate_stream import NeedWholeTree

    if any(isinstance(c.tag, str) and local_name(c) not in KNOWN_JOB_ELEMENTS for c in job):
        raise NeedWholeTree("an unknown job element")


_ADDRESS_CHILDREN = ("name", "organization", "address1", "address2", "address3", "city", "state", "postalCode",
                     "country", "c2m_uniqueid")
# the children each element may have (the schema's, by name): anything else is an unknown element
CHILDREN: dict[str, tuple[str, ...]] = {
    "batch": ("username", "password", "filename", "appSignature", "job"),
    "job": tuple(KNOWN_JOB_ELEMENTS),
    "printProductionOptions": ("documentClass", "layout", "productionTime", "envelope", "color", "paperType",
                               "printOption", "mailClass"),
    "returnAddress": ("name", "organization", "address1", "address2", "city", "state", "postalCode", "country"),
    "recipients": ("address",),
    "address": _ADDRESS_CHILDREN,
}


def element_name_checks(root: etree._Element, report: ValidationReport) -> None:
    """Every element not known where it stands is an error naming it and its own line, with the
    nearest known name ("<startingPge>: did you mean <startingPage>?"). A misspelt element is then
    judged under its likely name, and an unknown one removed, so the schema does not blame the
    element after it ("<endingPage> is out of place") for the same mistake."""
    def walk(el: etree._Element, job: int | None, recipient: int | None) -> None:
        allowed = CHILDREN.get(local_name(el))
        if allowed is None:
            return
        present = {local_name(c) for c in el if isinstance(c.tag, str)}
        jobs = recipients = 0
        for child in list(el):
            if not isinstance(child.tag, str):
                continue
            name = local_name(child)
            if name not in allowed and child.tag == name and name not in _SCHEMA_ELEMENTS:
                guess = nearest(name, [a for a in allowed if a not in present and a not in CREDENTIAL_ELEMENTS])
                report.add(Problem(
                    "error", f"<{name}> is not a batch XML element"
                    + (f" (did you mean <{guess}>?)" if guess else f"; allowed in <{local_name(el)}>: "
                       + ", ".join(f"<{a}>" for a in allowed if a not in CREDENTIAL_ELEMENTS)),
                    line=child.sourceline, job=job, recipient=recipient, field=name, suggestion=guess))
                if guess:
                    child.tag = guess  # judged as what it was meant to be; its line is kept
                    present.add(guess)
                else:
                    el.remove(child)
                    continue
            if local_name(child) == "job":
                jobs += 1
                walk(child, jobs, None)
            elif local_name(child) == "address" and local_name(el) == "recipients":
                recipients += 1
                walk(child, job, recipients)
            else:
                walk(child, job, recipient)

    walk(root, None, None)


# elements the schema knows, and those it may leave out: "expected" lists name only what is missing
_SCHEMA_ELEMENTS = frozenset({
    "batch", "username", "password", "filename", "appSignature", "job", "startingPage", "endingPage",
    "printProductionOptions", "documentClass", "layout", "productionTime", "envelope", "color", "paperType",
    "printOption", "mailClass", "confirmationOfMailing", "ancillaryEndorsement", "returnAddress", "recipients",
    "address", "name", "organization", "address1", "address2", "address3", "city", "state", "postalCode",
    "country", "c2m_uniqueid",
})
_OPTIONAL = frozenset({"username", "password", "appSignature", "envelope", "confirmationOfMailing",
                       "ancillaryEndorsement", "returnAddress"})


def _expected(names: str) -> str:
    """``<a>`` or ``one of <a>, <b>``, leaving out optional elements when a required one is listed."""
    tags = [n.strip() for n in names.split(",")]
    required = [t for t in tags if t not in _OPTIONAL] or tags
    if len(required) == 1:
        return f"<{required[0]}>"
    return "one of " + ", ".join(f"<{t}>" for t in required)


def _unexpected(m: re.Match) -> str:
    name, expected = m[1], _expected(m[2])
    if name in _SCHEMA_ELEMENTS:
        return f"<{name}> is out of place: expected {expected} here (elements must come in the reference order)"
    return f"<{name}> is not a batch XML element; expected {expected} here"


# libxml2's schema messages, rewritten for people
_MESSAGES = [
    (re.compile(r"Element '([^']+)': This element is not expected\. Expected is (?:one of )?\( (.+) \)\.?"),
     _unexpected),
    (re.compile(r"Element '([^']+)': This element is not expected\.?"),
     lambda m: f"<{m[1]}> is not allowed here (nothing may follow the elements before it)"),
    (re.compile(r"Element '([^']+)': Missing child element\(s\)\. Expected is (?:one of )?\( (.+) \)\.?"),
     lambda m: f"<{m[1]}> is missing {_expected(m[2])}"),
    (re.compile(r"Element '(startingPage|endingPage)': '(.*)' is not a valid value of the atomic type .*", re.S),
     lambda m: f'"{m[2].strip()}" is not a page number (a whole number, 1 or more)'),
    (re.compile(r"Element '([^']+)': '(.*)' is not a valid value of .*", re.S),
     lambda m: f'"{m[2]}" is not a valid value for <{m[1]}>'),
    (re.compile(r"Element '([^']+)': Element content is not allowed.*"),
     lambda m: f"<{m[1]}> must hold text, not elements"),
    (re.compile(r"Element '([^']+)': Character content other than whitespace is not allowed.*"),
     lambda m: f"<{m[1]}> holds stray text between its elements"),
    (re.compile(r"Element '([^']+)', attribute '([^']+)': The attribute '[^']+' is not allowed\.?"),
     lambda m: f"attribute {m[2]} is not allowed on <{m[1]}>"),
]
_PATH_JOB = re.compile(r"^/batch/job(?:\[(\d+)\])?")
_PATH_RECIPIENT = re.compile(r"/recipients/address(?:\[(\d+)\])?")


def schema_message(message: str) -> str:
    for pattern, render in _MESSAGES:
        m = pattern.fullmatch(message.strip())
        if m:
            return render(m)
    return re.sub(r"^Element '([^']+)': ", r"<\1>: ", message.strip())


def _check_structure(root: etree._Element, report: ValidationReport) -> None:
    schema = _schema()
    if schema.validate(root.getroottree()):
        return
    for entry in schema.error_log:
        report.add(_schema_problem(entry, entry.path or ""))


def _schema_problem(entry, path: str) -> Problem:
    """One schema error as a Problem; ``path`` is the element's path in the whole document."""
    job_m = _PATH_JOB.match(path)
    rec_m = _PATH_RECIPIENT.search(path)
    leaf = path.rsplit("/", 1)[-1].split("[", 1)[0] or None
    return Problem(
        "error", schema_message(entry.message), line=entry.line or None,
        job=int(job_m[1] or 1) if job_m else None,
        recipient=int(rec_m[1] or 1) if rec_m else None,
        field=leaf if leaf not in ("batch", "job", "address") else None,
    )


def option_checks(job_el: etree._Element, index: int, report, allow_unknown: bool = False) -> None:
    """The job's print options against the product catalog (``report`` takes the problems)."""
    ppo = job_el.find("printProductionOptions")
    if ppo is None:
        return  # the schema already said so
    for problem in option_problems(options_from_element(ppo), allow_unknown=allow_unknown):
        el = ppo.find(problem.field)
        message = problem.message  # the location already names the field: don't say it twice
        if message.startswith(problem.field + " "):
            message = message[len(problem.field) + 1:]
        report.add(Problem(problem.severity, message, line=(el if el is not None else ppo).sourceline,
                           job=index, field=problem.field, suggestion=problem.suggestion,
                           unknown_option=problem.unknown))


# reference §9.4 (Click2Mail's "Maximum Page Limit" article, as applied by btb and a partner tool)
SHEETS_PER_NO10_ENVELOPE = 5
LETTER_MAX_SHEETS = 47  # Letter 8.5 x 11: 47 simplex / 94 duplex pages
BOOKLET_MAX_PAGES = 56


def sheets(pages: int, duplex: bool) -> int:
    """Sheets of paper for ``pages`` printed pages (two a sheet when printed on both sides)."""
    return (pages + 1) // 2 if duplex else pages


def capacity_problems(opts, pages: int) -> list[tuple[str, str, str | None]]:
    """The page and envelope capacity of reference §9.4 for pieces of ``pages`` pages with print
    options ``opts`` (a PrintOptions): a #10 envelope holds 5 sheets (above that a Flat Envelope is
    needed), a Letter 8.5 x 11 at most 47 sheets, a booklet 56 pages. Each is (the option's XML
    element, a message that says the fix, the suggested value); ``build-xml`` and the validator both
    ask here."""
    duplex = (opts.print_option or "").strip().casefold() == "printing both sides"
    n = sheets(pages, duplex)
    sides = "on both sides" if duplex else "on one side"
    doc_class = (opts.document_class or "").strip()
    envelope = (opts.envelope or "").strip()
    found: list[tuple[str, str, str | None]] = []
    if envelope.startswith("#10") and n > SHEETS_PER_NO10_ENVELOPE:
        found.append(("envelope", f"{pages} pages printed {sides} are {n} sheets, and a #10 envelope holds at "
                      f"most {SHEETS_PER_NO10_ENVELOPE}: use Flat Envelope", "Flat Envelope"))
    if doc_class == "Letter 8.5 x 11" and n > LETTER_MAX_SHEETS:
        both_fit = not duplex and pages <= 2 * LETTER_MAX_SHEETS
        found.append((
            "printOption" if both_fit else "documentClass",
            f"{pages} pages printed {sides} are {n} sheets; a Letter 8.5 x 11 holds at most {LETTER_MAX_SHEETS} "
            f"sheets ({LETTER_MAX_SHEETS} pages on one side, {2 * LETTER_MAX_SHEETS} on both): "
            + ("print on both sides" if both_fit else "split the pages over more jobs"),
            "Printing both sides" if both_fit else None))
    if doc_class.startswith("Booklet") and pages > BOOKLET_MAX_PAGES:
        found.append(("documentClass", f"{pages} pages; a booklet holds at most {BOOKLET_MAX_PAGES}: split the "
                      "pages over more jobs", None))
    return found


def capacity_checks(job_el: etree._Element, index: int, pages: int, report: ValidationReport) -> None:
    """``capacity_problems`` for one job of the XML, each an error on the option's line."""
    ppo = job_el.find("printProductionOptions")
    for name, message, suggestion in capacity_problems(options_from_element(ppo), pages):
        el = ppo.find(name) if ppo is not None else None
        report.add(Problem("error", message, line=(el if el is not None else job_el).sourceline, job=index,
                           field=name, suggestion=suggestion))


def address_checks(el: etree._Element, report: ValidationReport, job: int, recipient: int | None,
                   prefix: str = "", us_only: bool = False) -> None:
    """Required fields, US state and ZIP, lengths for one ``<address>`` or ``<returnAddress>``."""
    # The hot loop of a million-recipient batch. The usual address (known element names, each once)
    # with nothing to report returns early; anything else takes the general path below.
    pairs = [(child.tag, child.text or "") for child in el]
    texts = dict(pairs)
    if len(texts) == len(pairs) and texts.keys() <= _PLAIN_FIELDS:
        get = texts.get
        country = get("country", "").strip()
        us = us_only or _is_us(country)
        if ((get("name", "").strip() or get("organization", "").strip()) and get("address1", "").strip()
                and get("city", "").strip()
                and (not us or (get("state", "").strip() in US_STATES and ZIP_RE.match(get("postalCode", "").strip())))
                and not any(map(gt, map(len, texts.values()), map(FIELD_LIMITS.__getitem__, texts)))):
            return
    else:  # comments, namespaces, unknown or repeated elements: by local name, the first one winning
        texts = {}
        for child in el:
            tag = child.tag
            if tag.__class__ is not str:
                continue  # a comment or processing instruction
            if "}" in tag:
                tag = tag.rsplit("}", 1)[-1]
            if tag not in texts:
                texts[tag] = child.text or ""

    def add(severity: str, name: str, message: str, suggestion: str | None = None) -> None:
        line = next((c.sourceline for c in el if local_name(c) == name), el.sourceline) if name in texts \
            else el.sourceline
        report.add(Problem(severity, message, line=line, job=job, recipient=recipient, field=prefix + name,
                           suggestion=suggestion))

    get = texts.get
    if not get("name", "").strip() and not get("organization", "").strip():
        add("error", "name", "a name or an organization is required")
    if not get("address1", "").strip():
        add("error", "address1", "empty; the street line is required")
    if not get("city", "").strip():
        add("error", "city", "empty; the city is required")
    if us_only or is_us_country(get("country", "").strip()):
        _us_checks(get("state", "").strip(), get("postalCode", "").strip(), add)
    for name, value in texts.items():
        limit = FIELD_LIMITS.get(name)
        if limit and len(value) > limit:
            add("warning", name, f"{len(value)} characters; Click2Mail may cut it after {limit}")


def return_address_checks(ra: etree._Element, report, job: int) -> None:
    """A ``<returnAddress>``: a US address unless it names another country.

    No Click2Mail-written client or sample puts ``<country>`` in a return address (the shell
    sample, the SDKs and the Postman batchTest.xml all end it at ``<postalCode>``); one third-party
    client does. Click2Mail's XSD is not public, so it is accepted with a warning.
    """
    country_el = ra.find("country")
    country = (country_el.text or "").strip() if country_el is not None else ""
    if country_el is not None:
        report.add(Problem(
            "warning", "no Click2Mail client sends <country> in a return address; Click2Mail may reject it "
            "(remove it if the return address is in the US)", line=country_el.sourceline, job=job,
            field="returnAddress/country"))
    address_checks(ra, report, job, None, prefix="returnAddress/", us_only=not country)


# element names an address may hold that all have a length limit (the early return's fast test)
_PLAIN_FIELDS = frozenset(name for name in ("name", "organization", "address1", "address2", "address3", "city",
                                            "state", "postalCode", "country", "c2m_uniqueid")
                          if name in FIELD_LIMITS)
_US_COUNTRY: dict[str, bool] = {}  # a list spells its country a few ways: remember the answers


def _is_us(country: str) -> bool:
    answer = _US_COUNTRY.get(country)
    if answer is None:
        answer = is_us_country(country)
        if len(_US_COUNTRY) < 1024:
            _US_COUNTRY[country] = answer
    return answer


# --------------------------------------------------------------------------- the quick accept

_XS = "http://www.w3.org/2001/XMLSchema"
# holds a character str.strip() never removes (a letter, number, punctuation or symbol); written
# so that libxml2's automaton stays deterministic (".*x.*" costs it twice as much)
_NOT_BLANK = r"[^\p{L}\p{N}\p{P}\p{S}]*[\p{L}\p{N}\p{P}\p{S}][\s\S]*"


def _one_of(values) -> str:
    """An XSD pattern matching exactly one of ``values`` (faster in libxml2 than an enumeration)."""
    return "|".join(re.sub(r"([\\|.\-^?*+{}()\[\]$])", r"\\\1", v) for v in sorted(values))
_REQUIRED = ("name", "address1", "city", "state", "postalCode")


def quick_accept_schema(batch_schema_doc: etree._ElementTree) -> etree.XMLSchema | None:
    """A schema for one ``<address>`` that accepts only addresses the shipped schema accepts AND
    ``address_checks`` has nothing to say about: a US address with a name, street, city, a USPS
    state code, a ZIP written right, every field within its length. One libxml2 call then clears
    the usual address; any other goes through the schema and the checks as before.

    It restates address_checks' rules: a new address rule must be added here too, or the quick
    accept lets addresses pass that the rule should have reported (test_validate_stream holds the
    two together). None if the shipped Address type is not a plain sequence of strings."""
    from c2m_tui.core.usps import US_COUNTRY_NAMES

    found = batch_schema_doc.getroot().xpath(".//xs:element[@name='address']", namespaces={"xs": _XS})
    if len(found) != 1:
        return None
    decl = found[0]
    type_name = decl.get("type")
    types = batch_schema_doc.getroot().xpath(f"xs:complexType[@name='{type_name}']", namespaces={"xs": _XS}) \
        if type_name else decl.xpath("xs:complexType", namespaces={"xs": _XS})
    if len(types) != 1 or [c.tag for c in types[0]] != [f"{{{_XS}}}sequence"]:
        return None
    fields = list(types[0][0])
    if any(f.tag != f"{{{_XS}}}element" or f.get("type") != "xs:string" or len(f) or f.get("maxOccurs", "1") != "1"
           for f in fields) or not {f.get("name") for f in fields} >= set(_REQUIRED):
        return None
    countries = sorted({v for n in US_COUNTRY_NAMES for v in (n, n.upper(), n.title()) if is_us_country(v)})
    xs = etree.Element(f"{{{_XS}}}schema", nsmap={"xs": _XS})
    seq = etree.SubElement(etree.SubElement(etree.SubElement(xs, f"{{{_XS}}}element", name="address"),
                                            f"{{{_XS}}}complexType"), f"{{{_XS}}}sequence")
    for f in fields:
        name = f.get("name")
        el = etree.SubElement(seq, f"{{{_XS}}}element", name=name,
                              minOccurs="1" if name in _REQUIRED else f.get("minOccurs", "1"))
        rule = etree.SubElement(etree.SubElement(el, f"{{{_XS}}}simpleType"), f"{{{_XS}}}restriction", base="xs:string")
        if name in FIELD_LIMITS:
            etree.SubElement(rule, f"{{{_XS}}}maxLength", value=str(FIELD_LIMITS[name]))
        if name == "state":
            etree.SubElement(rule, f"{{{_XS}}}pattern", value=_one_of(US_STATES))
        elif name == "country":
            etree.SubElement(rule, f"{{{_XS}}}pattern", value=_one_of(countries))
        elif name == "postalCode":
            etree.SubElement(rule, f"{{{_XS}}}pattern", value="[0-9]{5}(-[0-9]{4})?")
        elif name in _REQUIRED:
            etree.SubElement(rule, f"{{{_XS}}}pattern", value=_NOT_BLANK)
    try:
        return etree.XMLSchema(xs)
    except etree.XMLSchemaParseError:
        return None


def _us_checks(state: str, zip_code: str, add) -> None:
    if not state:
        add("error", "state", "empty; a US address needs its two-letter state code")
    elif not is_us_state(state):
        guess = suggest_state(state)
        if guess:
            add("warning", "state", f'"{state}" is not a USPS state code (did you mean "{guess}"?)', guess)
        else:
            add("error", "state", f'"{state}" is not a US state code')
    if not zip_code:
        add("error", "postalCode", "empty; a US address needs a ZIP code")
    elif not ZIP_RE.match(zip_code):
        lost = zip_lost_zero(zip_code)
        if lost and is_us_state(state) and zero_zip_state(lost) != state.upper():
            lost = None  # "6010" in MA: 06010 is Connecticut's, so no zero is suggested
        fixed = normalize_zip(zip_code)
        digits = sum(ch.isdigit() for ch in zip_code)
        if lost:
            add("error", "postalCode", f'ZIP "{zip_code}" has {digits} digits; a spreadsheet may have dropped a '
                f'leading zero (did you mean "{lost}"?)', lost)
        elif fixed:
            add("warning", "postalCode", f'ZIP "{zip_code}" is written unusually (did you mean "{fixed}"?)', fixed)
        else:
            add("error", "postalCode", f'"{zip_code}" is not a US ZIP code (5 digits, or ZIP+4 as 12345-6789)')


# --------------------------------------------------------------------------- content


@dataclass(slots=True)
class _Range:
    start: int
    end: int
    job: int
    line: int


def _page(job_el: etree._Element, name: str) -> tuple[int | None, int]:
    el = job_el.find(name)
    if el is None:
        return None, job_el.sourceline
    text = (el.text or "").strip()
    return (int(text) if text.isdigit() and int(text) >= 1 else None), el.sourceline


def check_jobs(root: etree._Element, report: ValidationReport, pdf_pages: int | None) -> None:
    """Page ranges, options and addresses of every job, then gaps and overlaps between jobs."""
    ranges: list[_Range] = []
    for index, job_el in enumerate(root.iterchildren("job"), 1):
        report.jobs += 1
        addresses = job_el.findall("recipients/address")
        report.pieces += len(addresses)
        _check_job(job_el, index, len(addresses), report, report, ranges, pdf_pages)
        for number, address in enumerate(addresses, 1):
            address_checks(address, report, index, number)
    _coverage(ranges, report, pdf_pages)


def _check_job(job_el: etree._Element, index: int, pieces: int, out, report: ValidationReport,
               ranges: list[_Range], pdf_pages: int | None) -> None:
    """A job's page range, print options and return address (problems to ``out``, pages to ``report``)."""
    (start, start_line), (end, end_line) = _page(job_el, "startingPage"), _page(job_el, "endingPage")
    if start is not None and end is not None:  # else the schema has reported it
        if end < start:
            out.add(Problem("error", f"endingPage {end} is before startingPage {start} (ranges are "
                            "1-based and inclusive)", line=end_line, job=index, field="endingPage"))
        else:
            report.pages += (end - start + 1) * pieces
            ranges.append(_Range(start, end, index, start_line))
            if pdf_pages is not None and end > pdf_pages:
                out.add(Problem(
                    "error", f"pages {start}-{end} go beyond the PDF, which has {pdf_pages} "
                    f"page{'s' if pdf_pages != 1 else ''}",
                    line=end_line if start <= pdf_pages else start_line, job=index,
                    field="endingPage" if start <= pdf_pages else "startingPage"))
    option_checks(job_el, index, out, report.allow_unknown_options)
    if start is not None and end is not None and end >= start:
        capacity_checks(job_el, index, end - start + 1, out)  # sheets and envelopes (reference §9.4)
    ra = job_el.find("returnAddress")
    if ra is not None:
        return_address_checks(ra, out, index)


def _pages(a: int, b: int, of_pdf: str = "") -> str:
    """"page 3 of the PDF is" / "pages 3-5 of the PDF are"."""
    return f"page {a}{of_pdf} is" if a == b else f"pages {a}-{b}{of_pdf} are"


def _coverage(ranges: list[_Range], report: ValidationReport, pdf_pages: int | None) -> None:
    """Jobs normally tile the PDF: pages in no job are not mailed, pages in two jobs are mailed twice."""
    reach = _Range(0, 0, 0, 0)  # the range reaching furthest so far
    for r in sorted(ranges, key=lambda r: (r.start, r.job)):
        # (a gap past the PDF's end is no page of it: those jobs' errors already say they go beyond it)
        gap_end = r.start - 1 if pdf_pages is None else min(r.start - 1, pdf_pages)
        if gap_end >= reach.end + 1:
            report.add(Problem("warning", f"{_pages(reach.end + 1, gap_end, ' of the PDF')} in no job; "
                               "they will not be mailed", line=r.line, job=r.job, field="startingPage"))
        elif r.start <= reach.end:
            report.add(Problem("warning", f"{_pages(r.start, min(r.end, reach.end))} also in job "
                               f"{reach.job} (printed for both jobs)", line=r.line, job=r.job,
                               field="startingPage"))
        if r.end > reach.end:
            reach = r
    if pdf_pages is not None and ranges and reach.end < pdf_pages:
        report.add(Problem("warning", f"{_pages(reach.end + 1, pdf_pages, ' of the PDF')} in no job; "
                           "they will not be mailed"))
