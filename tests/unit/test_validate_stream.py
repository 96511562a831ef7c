"""The streaming validator reports exactly what the whole-tree validator does, and falls back to it
where the document's shape needs the tree (then the report is the tree's, by construction)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from c2m_tui.core.batchxml import batch_xml_bytes
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress
from c2m_tui.core.validate import _validate_streaming, validate_batch, validate_tree

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "real-world"


def _batch(n_jobs: int = 2, per_job: int = 4) -> bytes:
    jobs = []
    for j in range(n_jobs):
        people = [Address(name=f"P{j}-{i}", address1=f"{i} Main St", city="Town", state=("VA", "Virginia", "XX")[i % 3],
                          postal_code=("22974", "2134", "abcde", "")[i % 4], country=("", "US", "Canada")[i % 3])
                  for i in range(per_job)]
        jobs.append(Job(1 + j * 2, 2 + j * 2, PrintOptions(mail_class=("First Class", "FirstClass")[j % 2]), people,
                        return_address=ReturnAddress(name="Me", address1="1 St", city="X", state="Mass",
                                                     postal_code="123") if j == 0 else None))
    return batch_xml_bytes(Batch(filename="x.pdf", jobs=jobs))


GOOD = _batch()
# each mutation is applied to GOOD: the stream must give the tree's report, or fall back
MUTATIONS = {
    "as is": lambda d: d,
    "one line": lambda d: re.sub(rb">\s+<", b"><", d),
    "address fields out of order": lambda d: d.replace(b"<name>P1-2</name>", b"", 1).replace(
        b"<city>Town</city>", b"<city>Town</city><name>late</name>", 3),
    "unknown address field": lambda d: d.replace(b"<name>P0-1</name>", b"<name>P0-1</name><fax>1</fax>"),
    "bad page": lambda d: d.replace(b"<startingPage>3</startingPage>", b"<startingPage>zero</startingPage>"),
    "options missing": lambda d: d.replace(b"<documentClass>Letter 8.5 x 11</documentClass>", b"", 1),
    "unknown job element": lambda d: d.replace(b"</recipients>", b"</recipients><frobnicate>1</frobnicate>", 1),
    "element out of place in a job": lambda d: d.replace(b"<endingPage>2</endingPage>", b"", 1).replace(
        b"</recipients>", b"</recipients><endingPage>2</endingPage>", 1),
    "element out of place in the batch": lambda d: d.replace(b"</batch>", b"<extra/></batch>"),
    "no filename": lambda d: re.sub(rb"<filename>.*?</filename>", b"", d),
    "stray element in recipients": lambda d: d.replace(b"</address>", b"</address><note/>", 2),
    "stray text in recipients": lambda d: d.replace(b"</address>", b"</address>text", 1),
    "comment between addresses": lambda d: d.replace(b"</address>", b"</address><!-- hi -->", 3),
    "two recipients": lambda d: d.replace(b"</recipients>", b"</recipients><recipients><address><name>Z</name>"
                                          b"</address></recipients>", 1),
    "empty recipients": lambda d: re.sub(rb"<recipients>.*?</recipients>", b"<recipients/>", d, count=1, flags=re.S),
    "no recipients": lambda d: re.sub(rb"<recipients>.*?</recipients>", b"", d, count=1, flags=re.S),
    "empty job": lambda d: d.replace(b"</batch>", b"<job/></batch>"),
    "wrong root": lambda d: d.replace(b"<batch>", b"<batchjob>").replace(b"</batch>", b"</batchjob>"),
    "credentials": lambda d: d.replace(b"<filename>", b"<username>u</username><password>p</password><filename>"),
    "empty filename": lambda d: re.sub(rb"<filename>.*?</filename>", b"<filename></filename>", d),
    "nested job": lambda d: d.replace(b"</recipients>", b"</recipients><job/>", 1),
    "address outside recipients": lambda d: d.replace(b"<recipients>", b"<address><name>Q</name></address><recipients>", 1),
    "truncated": lambda d: d[: len(d) // 2],
    "doctype": lambda d: d.replace(b"<batch>", b"<!DOCTYPE batch><batch>"),
    "long name": lambda d: d.replace(b"<name>P0-0</name>", b"<name>" + b"N" * 80 + b"</name>"),
}


def _same(data: bytes, pdf_pages: int | None = None) -> bool:
    """Whether the stream answered (rather than fell back); asserts it matches the tree when it did."""
    streamed = _validate_streaming(io.BytesIO(data), "b.xml", pdf_pages)
    try:
        tree = validate_tree(data, "b.xml", pdf_pages)
    except InputError:
        assert streamed is None
        return False
    if streamed is None:
        return False
    assert [p.format("b.xml") for p in streamed.problems()] == [p.format("b.xml") for p in tree.problems()]
    assert streamed.to_json() == tree.to_json()
    assert streamed.summary() == tree.summary()
    return True


@pytest.mark.parametrize("name", list(MUTATIONS))
@pytest.mark.parametrize("pdf_pages", [None, 3])
def test_streaming_matches_the_whole_tree(name, pdf_pages):
    _same(MUTATIONS[name](GOOD), pdf_pages)


def test_the_stream_answers_for_valid_files_and_the_checks_own_problems():
    # a file the schema finds fault with, or with an element c2m-tui does not know, is judged as a
    # whole tree, so the unknown element is named on its own line (element_name_checks)
    streamed = {name for name in MUTATIONS if _same(MUTATIONS[name](GOOD))}
    assert {"as is", "one line", "comment between addresses", "credentials", "long name"} <= streamed
    assert not streamed & {"element out of place in a job", "stray element in recipients", "two recipients",
                           "truncated", "doctype", "unknown job element", "unknown address field"}


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_real_world_samples_stream_the_same(path):
    assert _same(path.read_bytes())


# --------------------------------------------------------------------------- the quick accept

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from lxml import etree  # noqa: E402

from c2m_tui.core.validate import _Collect, _schema_doc, address_checks, quick_accept_schema  # noqa: E402
from c2m_tui.core.validate_stream import _part_schema  # noqa: E402

_QUICK = quick_accept_schema(_schema_doc())
_PARTS = _part_schema(_schema_doc())
_FIELDS = ("name", "organization", "address1", "address2", "address3", "city", "state", "postalCode", "country",
           "c2m_uniqueid")
_EDGES = (["", " ", "\u00a0", "\t\n", "A", "VA", "va", "Virginia", "DC", "22039", "2203", "22039-1234",
                     "22039 1234", "US", "us ", "U.S.", "USA", "United States", "Canada", "x" * 12, "x" * 13,
                     "y" * 28, "y" * 29, "z" * 50, "z" * 51, "\u0663\u0663\u0663\u0663\u0663", "1 Main St", "\u3000x",
           "\u2003", "x\u0085", "AA", "ZZ", "u.s.a.", "america", "AMERICA", "United States Of America"])
_values = st.one_of(st.sampled_from(_EDGES), st.text(max_size=60))


_USUAL = {"name": "Ann", "address1": "1 Main St", "city": "Town", "state": "VA", "postalCode": "22039",
          "country": "US"}


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.sampled_from(_FIELDS), st.one_of(st.none(), _values), max_size=3),
       st.lists(st.tuples(st.sampled_from(_FIELDS), _values), max_size=2), st.booleans())
def test_the_quick_accept_passes_only_addresses_nothing_would_be_said_about(changes, extra, reverse):
    """The usual address with a few fields changed, dropped (None) or added: whenever the quick
    accept takes one, the checks have nothing to say and the schema accepts it."""
    fields = [(name, changes.get(name, _USUAL.get(name))) for name in _FIELDS]
    fields = [(n, v) for n, v in fields if v is not None] + extra
    el = etree.Element("address")
    for name, value in reversed(fields) if reverse else fields:
        try:
            etree.SubElement(el, name).text = value
        except ValueError:
            return  # a character XML cannot hold: no such document can be read
    if _QUICK.validate(el):
        said = _Collect()
        address_checks(el, said, 1, 1)
        assert said.items == [] and _PARTS.validate(el)


def _implication_holds(fields) -> bool:
    el = etree.Element("address")
    for name, value in fields:
        etree.SubElement(el, name).text = value
    if not _QUICK.validate(el):
        return True
    said = _Collect()
    address_checks(el, said, 1, 1)
    return said.items == [] and bool(_PARTS.validate(el))


def test_the_quick_accept_on_each_edge_value_in_each_field():
    for name in _FIELDS:
        for value in _EDGES + [None]:
            fields = [(n, value if n == name else _USUAL.get(n)) for n in _FIELDS]
            assert _implication_holds([(n, v) for n, v in fields if v is not None]), (name, value)


def test_the_quick_accept_takes_the_usual_address():
    el = etree.fromstring(b"<address><name>Ann</name><address1>1 Main St</address1><city>Town</city>"
                          b"<state>VA</state><postalCode>22039</postalCode><country>US</country></address>")
    assert _QUICK is not None and _QUICK.validate(el)


BIG = _batch(n_jobs=2, per_job=3000)  # more addresses than are kept between drops


@pytest.mark.parametrize("name,mutate", [
    ("as is", lambda d: d),
    ("a stray element late in an address", lambda d: d.replace(b"<name>P1-2500</name>", b"<name>P1-2500</name><b/>")),
    ("stray element between late addresses", lambda d: d.replace(
        b"</address>\n      <address>\n        <name>P0-2601", b"</address><note/>\n      <address>\n        <name>P0-2601")),
    ("comments late", lambda d: d.replace(b"<name>P0-2000</name>", b"<!-- c --><name>P0-2000</name>")),
])
def test_streaming_matches_past_the_drops(name, mutate):
    data = mutate(BIG)
    assert data != BIG or name == "as is"
    assert _same(data, 3) == (name not in ("stray element between late addresses",
                                           "a stray element late in an address"))
