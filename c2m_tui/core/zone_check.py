"""The address zone checked against the pages: does the PDF put ink where Click2Mail prints the
recipient's address (or where a window envelope shows it)? Is each page the product's size, and
upright?

Each job's first page (a postcard's last: its address side) is drawn in grey at ``DPI`` and the
zone's pixels darker than ``INK_LEVEL`` are counted; more than ``tolerance`` of the zone (and at
least ``MIN_INK_PIXELS``) is ink. Pages are drawn once however many jobs share them (the preview
cache), and the page sizes come from the PDF's page tree without drawing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from c2m_tui.core.catalog import AddressZone, address_zones, is_card, page_size_in, resolve_document_class
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address

DPI = 72
INK_LEVEL = 192  # grey 0-255: darker than this is ink (light tints and paper texture are not)
TOLERANCE = 0.0002  # share of the zone's pixels: 9 px of a 4 × 1.5 in zone at 72 dpi (a 6 pt word is ~20)
MIN_INK_PIXELS = 6
SIZE_SLACK_IN = 0.1


@dataclass(slots=True)
class JobFacts:
    """What the checks need of one ``<job>``: pages, product, and the first recipient."""

    index: int
    line: int | None
    start: int
    end: int
    document_class: str
    layout: str
    envelope: str | None
    recipients: int = 0
    first: Address | None = None
    return_address: list[str] = field(default_factory=list)

    def who(self) -> str:
        name = (self.first.name or self.first.organization) if self.first else ""
        more = f" and {self.recipients - 1:,} more" if self.recipients > 1 else ""
        return f"{name or 'recipient 1'}{more}" if self.recipients else "no recipient"


@dataclass(slots=True)
class Finding:
    """One problem of one job's pages. ``kind``: "ink", "size" or "landscape"."""

    kind: str
    severity: str  # "error" | "warning"
    job: JobFacts
    page: int
    message: str
    zone: AddressZone | None = None
    ink_share: float = 0.0


def address_lines(addr: Address) -> list[str]:
    """The recipient's block as Click2Mail prints it: name, organisation, street lines, then
    ``CITY ST ZIP`` and, abroad, the country."""
    lines = [v for v in (addr.name, addr.organization, addr.address1, addr.address2, addr.address3) if v.strip()]
    city = " ".join(p for p in (addr.city.strip() + ("," if addr.state.strip() and addr.city.strip() else ""),
                                addr.state.strip(), addr.postal_code.strip()) if p)
    if city:
        lines.append(city)
    if addr.country.strip() and addr.country.strip().upper() not in ("US", "USA", "UNITED STATES",
                                                                     "UNITED STATES OF AMERICA"):
        lines.append(addr.country.strip().upper())
    return lines


def read_job_facts(xml: str | Path | bytes) -> list[JobFacts]:
    """Each job's pages, options and first recipient, streamed (one address kept per job). Jobs
    whose page numbers are not numbers are left out: the validator reports them."""
    from lxml import etree

    from c2m_tui.core.batchxml import (address_from_element, child_texts, drop_read, local_name, open_source,
                                       return_address_from_element)
    from c2m_tui.core.safexml import iterparse_safe, reject_doctype

    fh, source = open_source(xml)
    jobs: list[JobFacts] = []
    with fh:
        reject_doctype(fh.read(4096))
        fh.seek(0)
        first: Address | None = None
        count = 0
        depth = 0
        try:
            for event, el in iterparse_safe(fh, events=("start", "end")):
                if event == "start":
                    depth += 1
                    if depth == 2 and local_name(el) == "job":
                        first, count = None, 0
                    continue
                depth -= 1
                name = local_name(el)
                if depth == 3 and name == "address":
                    count += 1
                    if first is None:
                        first = address_from_element(el)
                    drop_read(el)
                elif depth == 1 and name == "job":
                    facts = _job(el, len(jobs) + 1, first, count, child_texts, local_name,
                                 return_address_from_element)
                    jobs.append(facts)  # None keeps the numbering
                    drop_read(el)
        except etree.XMLSyntaxError as err:
            raise InputError(f"{source}: malformed XML: {err}") from None
    return [j for j in jobs if j is not None]


def _job(el, index, first, count, child_texts, local_name, return_from) -> JobFacts | None:
    kids = {local_name(c): c for c in reversed(el)}
    texts = child_texts(el)
    try:
        start, end = int(texts.get("startingPage", "").strip()), int(texts.get("endingPage", "").strip())
    except ValueError:
        return None
    opts = child_texts(kids["printProductionOptions"]) if "printProductionOptions" in kids else {}
    ret = kids.get("returnAddress")
    ret_lines = []
    if ret is not None:
        r = return_from(ret)
        ret_lines = [v for v in (r.name, r.organization, r.address1, r.address2) if v.strip()]
        ret_lines.append(" ".join(p for p in (r.city + ("," if r.city and r.state else ""), r.state, r.postal_code) if p))
    return JobFacts(index=index, line=el.sourceline, start=start, end=end,
                    document_class=opts.get("documentClass", "").strip(), layout=opts.get("layout", "").strip(),
                    envelope=opts.get("envelope"), recipients=count, first=first, return_address=ret_lines)


def zone_page(job: JobFacts, zone: AddressZone) -> int:
    return job.end if zone.page == "last" else job.start


def ink_share(pdf: str | Path, page: int, box_in: tuple[float, float, float, float]) -> float:
    """The share of the box's pixels (inches on the page) that are ink on page ``page``."""
    from c2m_tui.core.preview import page_facts, render_page

    facts = page_facts(pdf, page)
    image = render_page(pdf, page, max(1, round(facts.width_in * DPI)), grey=True)
    scale = image.width / facts.width_in
    left, top, right, bottom = (max(0, round(v * scale)) for v in box_in)
    right, bottom = min(image.width, right), min(image.height, bottom)
    if right <= left or bottom <= top:
        return 0.0
    crop = image.crop((left, top, right, bottom))
    histogram = crop.histogram()
    dark = sum(histogram[:INK_LEVEL])
    area = (right - left) * (bottom - top)
    return dark / area if dark >= MIN_INK_PIXELS else 0.0


def check_job(pdf: str | Path, job: JobFacts, pages: int, tolerance: float = TOLERANCE) -> list[Finding]:
    """The zone, size and orientation findings of one job (pages past the PDF's end are skipped:
    the page-range check reports them)."""
    from c2m_tui.core.preview import page_facts

    findings: list[Finding] = []
    doc_class = resolve_document_class(job.document_class) or job.document_class
    for zone in address_zones(doc_class, job.layout, job.envelope):
        if zone.page == "separate":
            continue
        page = zone_page(job, zone)
        if not 1 <= page <= pages:
            continue
        facts = page_facts(pdf, page)
        share = ink_share(pdf, page, zone.box(facts.width_in, facts.height_in))
        if share > tolerance:
            what = ("Click2Mail prints the address over it" if zone.prints_over
                    else "it shows through the envelope's window")
            findings.append(Finding(
                "ink", "error" if zone.prints_over else "warning", job, page,
                f"page {page} has ink inside the {zone.name} zone ({share:.1%} of it; "
                f"{_where(zone, facts)}): {what} (zone {'inferred' if zone.inferred else 'from Click2Mail'})",
                zone, share))
    findings.extend(_size_findings(pdf, job, doc_class, pages))
    return findings


def _where(zone: AddressZone, facts) -> str:
    left, top, right, bottom = zone.box(facts.width_in, facts.height_in)
    return f"{zone.width:g} × {zone.height:g} in, {left:g} in from the left, {top:g} in from the top"


def _size_findings(pdf, job: JobFacts, doc_class: str, pages: int) -> list[Finding]:
    from c2m_tui.core.preview import page_facts

    size = page_size_in(doc_class)
    card = is_card(doc_class)
    out: list[Finding] = []
    wrong: list[int] = []
    turned: list[int] = []
    for page in range(max(1, job.start), min(job.end, pages) + 1):
        facts = page_facts(pdf, page)
        if size is not None:
            w, h = facts.width_in, facts.height_in
            upright = abs(w - size[0]) <= SIZE_SLACK_IN and abs(h - size[1]) <= SIZE_SLACK_IN
            sideways = abs(w - size[1]) <= SIZE_SLACK_IN and abs(h - size[0]) <= SIZE_SLACK_IN
            if not (upright or sideways):
                wrong.append(page)
                continue
            if sideways and not card and size[0] != size[1]:
                turned.append(page)
        elif facts.landscape and not card:
            turned.append(page)
    for run in _runs(wrong):
        facts = page_facts(pdf, run[0])
        out.append(Finding("size", "warning", job, run[0],
                           f"{_pages(run)} {facts.size_text()}, not the {_fmt(size)} in of \"{doc_class}\": "
                           "Click2Mail scales or refuses it; export the PDF at the product's size"))
    for run in _runs(turned):
        out.append(Finding("landscape", "warning", job, run[0],
                           f"{_pages(run)} landscape; \"{doc_class}\" prints portrait, so the page is turned "
                           "or shrunk"))
    return out


def _fmt(size) -> str:
    return " × ".join(f"{v:g}" for v in size) if size else "?"


def _runs(pages: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for p in pages:
        if runs and runs[-1][1] == p - 1:
            runs[-1] = (runs[-1][0], p)
        else:
            runs.append((p, p))
    return runs


def _pages(run: tuple[int, int]) -> str:
    return f"page {run[0]} is" if run[0] == run[1] else f"pages {run[0]}-{run[1]} are"


def check_batch(xml: str | Path | bytes, pdf: str | Path, tolerance: float = TOLERANCE) -> list[Finding]:
    """Every job's findings, in job order."""
    from c2m_tui.core.preview import page_count

    pages = page_count(pdf)
    findings: list[Finding] = []
    for job in read_job_facts(xml):
        findings.extend(check_job(pdf, job, pages, tolerance))
    return findings


def add_zone_problems(report, xml: str | Path | bytes, pdf: str | Path) -> None:
    """The findings as validation problems on ``report`` (core.validate's ValidationReport): each
    names the job, its first recipient and the page."""
    from c2m_tui.core.validate import Problem

    for f in check_batch(xml, pdf):
        report.add(Problem(f.severity, f"to {f.job.who()}: {f.message}", line=f.job.line, job=f.job.index,
                           recipient=1 if f.job.recipients else None,
                           field="layout" if f.kind == "ink" else "documentClass"))


def job_overlays(pdf: str | Path, job: JobFacts, page: int, tolerance: float = TOLERANCE) -> tuple:
    """The zones of ``job`` that fall on PDF page ``page``, as preview overlays: the box, whether
    the PDF has ink there, and the lines Click2Mail prints there (the recipient's block in the
    recipient zone, the return address in the return window)."""
    from c2m_tui.core.preview import Overlay, page_facts

    facts = page_facts(pdf, page)
    out = []
    for zone in address_zones(job.document_class, job.layout, job.envelope):
        if zone.page == "separate" or zone_page(job, zone) != page:
            continue
        box = zone.box(facts.width_in, facts.height_in)
        ink = ink_share(pdf, page, box) > tolerance
        if zone.name == "return address":
            lines = tuple(job.return_address)
        else:
            lines = tuple(address_lines(job.first)) if job.first else ()
        out.append(Overlay(box, ink, lines, zone.name + (" (inferred)" if zone.inferred else "")))
    return tuple(out)


def separate_page_note(job: JobFacts) -> str | None:
    """For layouts where Click2Mail adds the address page: a line saying so (nothing of the PDF
    is under the window)."""
    if any(z.page == "separate" for z in address_zones(job.document_class, job.layout, job.envelope)):
        return f'"{job.layout}": Click2Mail adds an address page before page {job.start}; the PDF is not under the window'
    return None


def pick_job(jobs: list[JobFacts], number: int) -> JobFacts:
    for job in jobs:
        if job.index == number:
            return job
    raise InputError(f"no job {number}: the batch has {len(jobs)} job{'s' if len(jobs) != 1 else ''}")
