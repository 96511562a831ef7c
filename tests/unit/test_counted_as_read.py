"""The send path's counts of a batch (the confirmation's summary, the price's groups) are made as
the XML is read (``batchxml.tally_jobs``), never holding every recipient: the same answers as from
the whole batch in memory, and flat memory at a quarter of a million recipients."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from collections import deque
from pathlib import Path

from c2m_tui.core.batchxml import batch_xml_bytes, read_batch, write_batch
from c2m_tui.core.mail_summary import RecipientLine, _place, mail_summary
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress
from c2m_tui.core.pricing import is_international, price_groups
from c2m_tui.core.usps import is_us_country
from c2m_tui.core.validate import sheets

REPO = Path(__file__).resolve().parents[2]


def _batch(rng: random.Random) -> Batch:
    jobs, page = [], 1
    for _ in range(rng.randint(1, 9)):
        pages = rng.choice([1, 2, 3])
        options = PrintOptions(print_option=rng.choice(["Printing One side", "Printing both sides"]),
                               mail_class=rng.choice(["First Class", "Standard"]))
        ra = rng.choice([None, ReturnAddress(name="Sender", address1="2 Side St", city="Troy", state="VA",
                                             postal_code="22974")])
        people = [Address(name=f"P{page}-{i}" if rng.random() < 0.9 else "", organization=f"Org {i}",
                          address1=f"{i} Main St", city="Boston", state="MA", postal_code="02134",
                          country=rng.choice(["", "US", "USA", "United States", "Germany", "CA"]))
                  for i in range(rng.choice([0, 1, 2, 3, 4, 6, 7, 20]))]
        jobs.append(Job(starting_page=page, ending_page=page + pages - 1, options=options, recipients=people,
                        return_address=ra))
        page += pages
    return Batch(filename="letters.pdf", jobs=jobs)


def _summary_from_every_recipient(xml: bytes, shown: int = 3):
    """What the summary was before: every recipient of the batch read into memory, in order."""
    batch = read_batch(xml).batch
    first, tail, number, jobs = [], deque(maxlen=shown), 0, 0
    domestic = international = pages_total = sheets_total = 0
    for index, job in enumerate(batch.jobs, 1):
        jobs += bool(job.recipients)
        pages = job.ending_page - job.starting_page + 1
        sh = sheets(pages, job.options.print_option.strip().casefold() == "printing both sides")
        for a in job.recipients:
            number += 1
            line = RecipientLine(number, index, a.name or a.organization, _place(a),
                                 (job.starting_page, job.ending_page))
            (first.append(line) if len(first) < shown else tail.append(line))
            domestic += is_us_country(a.country)
            international += not is_us_country(a.country)
            pages_total += pages
            sheets_total += sh
    return jobs, number, domestic, international, pages_total, sheets_total, first, list(tail)


def test_the_summary_and_the_price_groups_are_those_of_the_whole_batch():
    rng = random.Random(18)
    for _ in range(60):
        xml = batch_xml_bytes(_batch(rng))
        s = mail_summary(xml)
        assert (s.jobs, s.pieces, s.domestic, s.international, s.printed_pages, s.sheets, s.first, s.last) == \
            _summary_from_every_recipient(xml)
        expected: dict = {}
        for job in read_batch(xml).batch.jobs:
            key = (job.options.print_option, job.options.mail_class, job.page_count)
            dom, intl = expected.get(key, (0, 0))
            for a in job.recipients:
                dom, intl = (dom, intl + 1) if is_international(a.country) else (dom + 1, intl)
            expected[key] = (dom, intl)
        got = {(g.options["printOption"], g.options["mailClass"], g.pages): (g.quantity, g.international)
               for g in price_groups(xml)}
        assert got == expected


def test_a_quarter_of_a_million_recipients_are_counted_in_flat_memory(tmp_path):
    """In a fresh process: the summary, the price groups and the zone check's job facts of a
    250,000-recipient XML (86 MB). Holding every recipient, as before, grew it by 140 MB; leaving
    the cleared addresses in the tree (the job facts, before), by 36 MB."""
    xml = tmp_path / "big.xml"
    people = (Address(name=f"Person {i}", address1=f"{i} Main St", city="Boston", state="MA",
                      postal_code="02134", country="US" if i % 10 else "Germany") for i in range(250_000))
    write_batch(Batch(filename="letters.pdf", jobs=[Job(starting_page=1, ending_page=2, recipients=people)]), xml)
    probe = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "data = Path(sys.argv[1]).read_bytes()\n"
        "from c2m_tui.core.mail_summary import mail_summary\n"
        "from c2m_tui.core.pricing import price_groups\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "s = mail_summary(data)\n"
        "[g] = price_groups(data)\n"
        "from c2m_tui.core.zone_check import read_job_facts\n"
        "[facts] = read_job_facts(data)\n"
        "assert facts.recipients == 250_000, facts\n"
        "grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024\n"
        "print(s.pieces, s.international, g.quantity, g.international, s.last[-1].number, grew)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(xml)], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env=dict(os.environ))
    assert done.returncode == 0, done.stderr[-2000:]
    pieces, intl, quantity, g_intl, last, grew = map(int, done.stdout.split())
    assert (pieces, intl, quantity, g_intl, last) == (250_000, 25_000, 225_000, 25_000, 250_000)
    assert grew < 30, f"the counting grew the process by {grew} MB"


def test_the_address_sheet_click2mail_adds_is_said():
    """Under "Address on Separate Page" Click2Mail prints an address sheet before each piece's pages:
    the review said "1 page(s) on 1 sheet(s)" and a new user could not tell whether it was printed."""
    def job(start: int, layout: str, n: int) -> Job:
        people = [Address(name=f"P{i}", address1="1 Main St", city="Reno", state="NV", postal_code="89501")
                  for i in range(n)]
        return Job(starting_page=start, ending_page=start, options=PrintOptions(layout=layout), recipients=people)

    lines = dict(mail_summary(batch_xml_bytes(Batch(filename="l.pdf", jobs=[
        job(1, "Address on Separate Page", 2), job(2, "Address on First Page", 3)]))).lines())
    assert lines["Per piece"] == ("1 page(s) on 1 sheet(s) + the address sheet (2 pieces); "
                                  "1 page(s) on 1 sheet(s) (3 pieces)")
    assert lines["Printed"] == "5 page(s) on 5 sheet(s) + 2 address sheet(s) Click2Mail adds"
    only_first = dict(mail_summary(batch_xml_bytes(Batch(filename="l.pdf", jobs=[
        job(1, "Address on First Page", 3)]))).lines())
    assert only_first["Printed"] == "3 page(s) on 3 sheet(s)"
