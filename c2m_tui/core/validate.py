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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from c2m_tui.core.batchxml import CREDENTIAL_ELEMENTS, load_source, local_name, options_from_element
from c2m_tui.core.catalog import nearest, option_problems
from c2m_tui.core.errors import InputError
from c2m_tui.core.safexml import XMLRejected, parse_bytes
from c2m_tui.core.usps import (
    FIELD_LIMITS, ZIP_RE, is_us_country, is_us_state, normalize_zip, suggest_state, zip_lost_zero,
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
    XMLRejected (an InputError) whose ``line`` is set when libxml2 gives one."""
    data, source = load_source(xml, source)
    pdf_pages = None
    if pdf is not None:
        from c2m_tui.core.pdf import pdf_info

        pdf_pages = pdf_info(pdf).pages
    try:
        root = parse_bytes(data)
    except XMLRejected as err:
        raise XMLRejected(f"{source}: {err.message}", line=err.line) from None
    report = ValidationReport(source=source, pdf_pages=pdf_pages, allow_unknown_options=allow_unknown_options)
    if local_name(root) != "batch" or root.tag != "batch":
        report.add(Problem("error", f"the root element is <{root.tag}>; a batch XML starts with <batch>",
                           line=root.sourceline))
        return report
    _check_top(root, report)
    element_name_checks(root, report)
    _check_structure(root, report)
    check_jobs(root, report, pdf_pages)
    report.errors.sort(key=lambda p: (p.line is None, p.line or 0))
    report.warnings.sort(key=lambda p: (p.line is None, p.line or 0))
    return report


def _check_top(root: etree._Element, report: ValidationReport) -> None:
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
        path = entry.path or ""
        job_m = _PATH_JOB.match(path)
        rec_m = _PATH_RECIPIENT.search(path)
        leaf = path.rsplit("/", 1)[-1].split("[", 1)[0] or None
        report.add(Problem(
            "error", schema_message(entry.message), line=entry.line or None,
            job=int(job_m[1] or 1) if job_m else None,
            recipient=int(rec_m[1] or 1) if rec_m else None,
            field=leaf if leaf not in ("batch", "job", "address") else None,
        ))


def option_checks(job_el: etree._Element, index: int, report: ValidationReport) -> None:
    """The job's print options against the product catalog."""
    ppo = job_el.find("printProductionOptions")
    if ppo is None:
        return  # the schema already said so
    for problem in option_problems(options_from_element(ppo), allow_unknown=report.allow_unknown_options):
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
    values: dict[str, tuple[str, int]] = {}
    for child in el:
        name = local_name(child)
        if name and name not in values:
            values[name] = (child.text or "", child.sourceline)
    here = el.sourceline

    def add(severity: str, name: str, message: str, suggestion: str | None = None) -> None:
        line = values[name][1] if name in values else here
        report.add(Problem(severity, message, line=line, job=job, recipient=recipient, field=prefix + name,
                           suggestion=suggestion))

    def text(name: str) -> str:
        return values.get(name, ("", 0))[0].strip()

    if not text("name") and not text("organization"):
        add("error", "name", "a name or an organization is required")
    if not text("address1"):
        add("error", "address1", "empty; the street line is required")
    if not text("city"):
        add("error", "city", "empty; the city is required")
    country = text("country")
    if us_only or is_us_country(country):
        _us_checks(text("state"), text("postalCode"), add)
    for name, (value, _) in values.items():
        limit = FIELD_LIMITS.get(name)
        if limit and len(value) > limit:
            add("warning", name, f"{len(value)} characters; Click2Mail may cut it after {limit}")


def return_address_checks(ra: etree._Element, report: ValidationReport, job: int) -> None:
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
        (start, start_line), (end, end_line) = _page(job_el, "startingPage"), _page(job_el, "endingPage")
        if start is not None and end is not None:  # else the schema has reported it
            if end < start:
                report.add(Problem("error", f"endingPage {end} is before startingPage {start} (ranges are "
                                   "1-based and inclusive)", line=end_line, job=index, field="endingPage"))
            else:
                report.pages += (end - start + 1) * len(addresses)
                ranges.append(_Range(start, end, index, start_line))
                if pdf_pages is not None and end > pdf_pages:
                    report.add(Problem(
                        "error", f"pages {start}-{end} go beyond the PDF, which has {pdf_pages} "
                        f"page{'s' if pdf_pages != 1 else ''}",
                        line=end_line if start <= pdf_pages else start_line, job=index,
                        field="endingPage" if start <= pdf_pages else "startingPage"))
        option_checks(job_el, index, report)
        if start is not None and end is not None and end >= start:
            capacity_checks(job_el, index, end - start + 1, report)
        ra = job_el.find("returnAddress")
        if ra is not None:
            return_address_checks(ra, report, index)
        for number, address in enumerate(addresses, 1):
            address_checks(address, report, index, number)
    _coverage(ranges, report, pdf_pages)


def _pages(a: int, b: int, of_pdf: str = "") -> str:
    """"page 3 of the PDF is" / "pages 3-5 of the PDF are"."""
    return f"page {a}{of_pdf} is" if a == b else f"pages {a}-{b}{of_pdf} are"


def _coverage(ranges: list[_Range], report: ValidationReport, pdf_pages: int | None) -> None:
    """Jobs normally tile the PDF: pages in no job are not mailed, pages in two jobs are mailed twice."""
    reach = _Range(0, 0, 0, 0)  # the range reaching furthest so far
    for r in sorted(ranges, key=lambda r: (r.start, r.job)):
        if r.start > reach.end + 1:
            report.add(Problem("warning", f"{_pages(reach.end + 1, r.start - 1, ' of the PDF')} in no job; "
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
