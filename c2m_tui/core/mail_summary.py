"""What a batch will mail, computed once from the XML that is uploaded, for the app's review page
and the CLI's confirmation alike: pieces, printed pages and sheets per piece, envelope, mail class,
the return address, domestic and international counts, the first and last recipients with their
page ranges, and a search over all of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from c2m_tui.core.usps import is_us_country

SHOWN = 3  # first and last recipients shown


@dataclass(frozen=True, slots=True)
class RecipientLine:
    number: int  # 1-based, over the whole batch, in XML order
    job: int
    name: str
    place: str  # "Boston MA 02134" / "Berlin, Germany"
    pages: tuple[int, int]

    def text(self) -> str:
        first, last = self.pages
        pages = f"page {first}" if first == last else f"pages {first}-{last}"
        return f"#{self.number} {self.name} · {self.place} · {pages}"


@dataclass(slots=True)
class MailSummary:
    jobs: int = 0
    pieces: int = 0
    printed_pages: int = 0
    sheets: int = 0
    address_sheets: int = 0  # the address sheets Click2Mail adds ("Address on Separate Page")
    # (pages, sheets, an address sheet added) -> pieces
    per_piece: dict[tuple[int, int, bool], int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)  # "Letter 8.5 x 11 · #10 Double Window" -> pieces
    mail_classes: dict[str, int] = field(default_factory=dict)
    return_addresses: list[str] = field(default_factory=list)
    domestic: int = 0
    international: int = 0
    first: list[RecipientLine] = field(default_factory=list)
    last: list[RecipientLine] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # the distinct print options, in job order

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows, the same words on the review page and in ``send``'s confirmation."""
        def counted(d: dict) -> str:
            return "; ".join(k if len(d) == 1 else f"{k} ({n})" for k, n in d.items()) or "-"

        per = "; ".join(f"{p} page(s) on {s} sheet(s)" + (" + the address sheet" if added else "")
                        + ("" if len(self.per_piece) == 1 else f" ({n:,} pieces)")
                        for (p, s, added), n in self.per_piece.items()) or "-"
        added = f" + {self.address_sheets:,} address sheet(s) Click2Mail adds" if self.address_sheets else ""
        rows = [
            ("Pieces", f"{self.pieces:,} in {self.jobs:,} job(s): {self.domestic:,} domestic, "
                       f"{self.international:,} international"),
            ("Per piece", per),
            ("Printed", f"{self.printed_pages:,} page(s) on {self.sheets:,} sheet(s){added}"),
            ("Product", counted(self.products)),
            ("Mail class", counted(self.mail_classes)),
            ("Return to", " | ".join(self.return_addresses) or "your Click2Mail account's address"),
        ]
        rows += [("First" if i == 0 else "", r.text()) for i, r in enumerate(self.first)]
        rows += [("Last" if i == 0 else "", r.text()) for i, r in enumerate(self.last)]
        return rows


def _place(a) -> str:
    if is_us_country(a.country):
        return " ".join(p for p in (a.city, a.state, a.postal_code) if p)
    return ", ".join(p for p in (a.city, a.country) if p)


def _recipients(batch):
    number = 0
    for index, job in enumerate(batch.jobs, 1):
        for a in job.recipients:
            number += 1
            yield job, RecipientLine(number, index, a.name or a.organization, _place(a),
                                     (job.starting_page, job.ending_page)), a


def mail_summary(xml: bytes, *, shown: int = SHOWN) -> MailSummary:
    """The summary of a (validated) batch XML, counted as it is read (a million recipients are
    never all held). InputError if it cannot be read."""
    from collections import deque

    from c2m_tui.core.batchxml import tally_jobs
    from c2m_tui.core.catalog import adds_address_sheet
    from c2m_tui.core.validate import sheets

    s = MailSummary()
    tail: deque[RecipientLine] = deque(maxlen=shown)

    def count(tally) -> None:
        job, n = tally.job, tally.recipients
        if not n:
            return
        s.jobs += 1
        if job.return_address is not None:
            ra = job.return_address
            text = ", ".join(p for p in (ra.name or ra.organization, ra.address1, ra.city,
                                         f"{ra.state} {ra.postal_code}".strip()) if p)
            if text not in s.return_addresses:
                s.return_addresses.append(text)
        o = job.options
        text = " · ".join(v for v in (o.document_class, o.layout, o.envelope, o.color, o.paper_type,
                                      o.print_option, o.mail_class, o.production_time) if v)
        if text not in s.options:
            s.options.append(text)
        pages = job.ending_page - job.starting_page + 1
        sh = sheets(pages, (o.print_option or "").strip().casefold() == "printing both sides")
        s.printed_pages += pages * n
        s.sheets += sh * n
        added = adds_address_sheet(o.layout)
        s.address_sheets += n if added else 0
        s.per_piece[(pages, sh, added)] = s.per_piece.get((pages, sh, added), 0) + n
        product = " · ".join(v for v in (o.document_class, o.envelope or "no envelope") if v)
        s.products[product] = s.products.get(product, 0) + n
        s.mail_classes[o.mail_class] = s.mail_classes.get(o.mail_class, 0) + n
        for country, k in tally.countries.items():
            if is_us_country(country):
                s.domestic += k
            else:
                s.international += k
        # the job's first and last few, numbered over the batch: the batch's first and last are among them
        numbered = [*enumerate(tally.first, 1), *enumerate(tally.last, n - len(tally.last) + 1)]
        for i, a in numbered:
            line = RecipientLine(s.pieces + i, tally.index, a.name or a.organization, _place(a),
                                 (job.starting_page, job.ending_page))
            if len(s.first) < shown:
                s.first.append(line)
            else:
                tail.append(line)
        s.pieces += n

    tally_jobs(xml, count, keep=shown)
    s.last = list(tail)
    return s


def search_recipients(xml: bytes, query: str, limit: int = 50) -> list[RecipientLine]:
    """Recipients whose name, organization, street, city, state, ZIP or country contains ``query``
    (case-insensitive), with their page ranges."""
    return search_index(recipient_index(xml), query, limit)


def recipient_index(xml: bytes) -> list[tuple[str, RecipientLine]]:
    """Every recipient's searchable text with its line: read once, searched per keystroke."""
    from c2m_tui.core.batchxml import read_batch

    return [(" ".join((a.name, a.organization, a.address1, a.address2, a.city, a.state, a.postal_code,
                       a.country)).casefold(), line)
            for _job, line, a in _recipients(read_batch(xml).batch)]


def search_index(index: list[tuple[str, RecipientLine]], query: str, limit: int = 50) -> list[RecipientLine]:
    q = query.strip().casefold()
    found: list[RecipientLine] = []
    if not q:
        return found
    for hay, line in index:
        if q in hay:
            found.append(line)
            if len(found) >= limit:
                break
    return found
