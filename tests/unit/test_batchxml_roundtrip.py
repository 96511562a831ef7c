"""Property: any addresses made of characters XML 1.0 can hold survive write -> read unchanged."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from c2m_tui.core.batchxml import batch_xml_bytes, read_batch
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress

# XML 1.0 Char minus CR (a parser normalises a bare CR to LF, as the spec requires)
XML_CHARS = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\r\ufffe\uffff",
    min_codepoint=0x09,
).filter(lambda c: c in "\t\n" or ord(c) >= 0x20)
TEXT = st.text(XML_CHARS, max_size=30)

ADDRESS = st.builds(
    Address, name=TEXT, organization=TEXT, address1=TEXT, address2=TEXT, address3=TEXT, city=TEXT,
    state=TEXT, postal_code=TEXT, country=TEXT, unique_id=TEXT,
)
RETURN = st.none() | st.builds(ReturnAddress, name=TEXT, city=TEXT, postal_code=TEXT)
OPTIONS = st.builds(PrintOptions, document_class=TEXT, envelope=st.none() | TEXT, mail_class=TEXT)


@settings(max_examples=60, deadline=None)
@given(
    filename=TEXT,
    jobs=st.lists(
        st.tuples(st.integers(1, 999), st.integers(0, 50), OPTIONS, RETURN, st.lists(ADDRESS, min_size=0, max_size=4)),
        min_size=1, max_size=3,
    ),
)
def test_write_read_round_trip(filename, jobs):
    batch = Batch(filename=filename, jobs=[
        Job(start, start + extra, options=opts, return_address=ra, recipients=people)
        for start, extra, opts, ra, people in jobs
    ])
    back = read_batch(batch_xml_bytes(batch))
    assert back.batch.filename == filename
    assert len(back.batch.jobs) == len(jobs)
    for got, (start, extra, opts, ra, people) in zip(back.batch.jobs, jobs):
        assert (got.starting_page, got.ending_page) == (start, start + extra)
        # no envelope is written <envelope/> and read back as None, whether it was None or ""
        assert got.options == dataclasses.replace(opts, envelope=opts.envelope or None)
        assert got.return_address == ra
        assert got.recipients == people
