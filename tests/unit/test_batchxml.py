"""The batch XML writer and reader: element order, escaping, declaration, no credentials, round trips."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from c2m_tui.core.batchxml import DECLARATION, batch_xml_bytes, read_batch, write_batch
from c2m_tui.core.errors import InputError
from c2m_tui.core.models import Address, Batch, Job, PrintOptions, ReturnAddress

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "real-world"
SHELL = SAMPLES / "click2mail-shell-batch-request-letter.xml"
BTB = SAMPLES / "btb-correct_xml.xml"


def sample_batch(**job_kw) -> Batch:
    job = Job(
        starting_page=1, ending_page=2,
        recipients=[Address(name="Ann O'Neil & <Sons>", address1="1 Main St", city="Boston", state="MA",
                            postal_code="02134", country="US", unique_id="piece-1")],
        return_address=ReturnAddress(name="Sender", address1="2 Side St", city="Troy", state="VA", postal_code="22974"),
        **job_kw,
    )
    return Batch(filename="letters.pdf", jobs=[job])


def children(el) -> list[str]:
    return [c.tag for c in el]


def test_declaration_is_exact_and_first():
    data = batch_xml_bytes(sample_batch())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<batch>')
    assert DECLARATION == b'<?xml version="1.0" encoding="UTF-8"?>\n'


def test_element_order_follows_the_reference():
    root = etree.fromstring(batch_xml_bytes(sample_batch(extras={"confirmationOfMailing": "true"})))
    assert children(root) == ["filename", "appSignature", "job"]
    job = root.find("job")
    assert children(job) == ["startingPage", "endingPage", "printProductionOptions", "confirmationOfMailing",
                             "returnAddress", "recipients"]
    assert children(job.find("printProductionOptions")) == [
        "documentClass", "layout", "productionTime", "envelope", "color", "paperType", "printOption", "mailClass"]
    assert children(job.find("returnAddress")) == [
        "name", "organization", "address1", "address2", "city", "state", "postalCode"]
    assert children(job.find("recipients/address")) == [
        "name", "organization", "address1", "address2", "address3", "city", "state", "postalCode", "country",
        "c2m_uniqueid"]


def test_optional_elements_are_omitted_when_unset():
    batch = Batch(filename="p.pdf", app_signature=None, jobs=[Job(
        1, 1, options=PrintOptions(document_class="Postcard 4.25 x 6", envelope=None),
        recipients=[Address(name="A")])])
    root = etree.fromstring(batch_xml_bytes(batch))
    assert children(root) == ["filename", "job"]
    job = root.find("job")
    assert "returnAddress" not in children(job)
    # a postcard has no envelope, written empty as every official writer does (reference §9.5)
    assert job.find("printProductionOptions/envelope").text is None
    assert b"<envelope/>" in batch_xml_bytes(batch)
    assert job.find("recipients/address/c2m_uniqueid") is None
    assert b"<address3></address3>" in batch_xml_bytes(batch)  # empty fields stay, as start+end tags


def test_escaping_survives_and_reads_back():
    data = batch_xml_bytes(sample_batch())
    assert b"Ann O'Neil &amp; &lt;Sons&gt;" in data
    assert read_batch(data).batch.jobs[0].recipients[0].name == "Ann O'Neil & <Sons>"


def test_credentials_are_never_written():
    data = batch_xml_bytes(sample_batch())
    assert b"<username" not in data and b"<password" not in data
    for name in ("username", "password"):
        with pytest.raises(InputError, match="credentials never go into the batch XML"):
            batch_xml_bytes(sample_batch(extras={name: "secret"}))


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\ud800", "\uffff"])
def test_control_characters_are_rejected_naming_the_field(bad):
    batch = Batch(filename="x.pdf", jobs=[
        Job(1, 1, recipients=[Address(name="fine")]),
        Job(2, 2, recipients=[Address(name="ok"), Address(name="ok", city=f"Bos{bad}ton")]),
    ])
    with pytest.raises(InputError) as info:
        batch_xml_bytes(batch)
    assert str(info.value).startswith("job 2, recipient 2, city: character U+")


def test_control_character_in_return_address_and_options():
    batch = sample_batch()
    batch.jobs[0].return_address.city = "a\x01"
    with pytest.raises(InputError, match=r"^job 1, city: character U\+0001"):
        batch_xml_bytes(batch)
    batch = sample_batch(options=PrintOptions(layout="x\x02"))
    with pytest.raises(InputError, match="job 1, layout"):
        batch_xml_bytes(batch)


def test_tab_newline_and_astral_characters_are_kept():
    batch = sample_batch()
    batch.jobs[0].recipients[0].address2 = "Apt\t4\nrear \U0001F4EE"
    assert read_batch(batch_xml_bytes(batch)).batch.jobs[0].recipients[0].address2 == "Apt\t4\nrear \U0001F4EE"


def test_page_numbers_must_be_integers():
    with pytest.raises(InputError, match="job 1, startingPage"):
        batch_xml_bytes(Batch("x.pdf", [Job("1", 2)]))  # type: ignore[arg-type]


def test_generator_recipients_and_stats(tmp_path):
    def people(n):
        for i in range(n):
            yield Address(name=f"Person {i}", address1="1 St", city="X", state="VA", postal_code="22974")

    batch = Batch("x.pdf", jobs=(j for j in [Job(1, 3, recipients=people(5)), Job(4, 4, recipients=people(2))]))
    out = tmp_path / "b.xml"
    stats = write_batch(batch, out)
    assert (stats.jobs, stats.pieces, stats.pages) == (2, 7, 5 * 3 + 2 * 1)
    back = read_batch(out)
    assert [len(j.recipients) for j in back.batch.jobs] == [5, 2]
    assert back.batch.jobs[0].recipients[4].name == "Person 4"


def test_write_to_a_path_is_atomic(tmp_path):
    out = tmp_path / "b.xml"
    out.write_bytes(b"previous")
    bad = Batch("x.pdf", [Job(1, 1, recipients=[Address(name="a"), Address(name="\x00")])])
    with pytest.raises(InputError):
        write_batch(bad, out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["b.xml"]


def test_write_to_a_binary_stream():
    buf = io.BytesIO()
    stats = write_batch(sample_batch(), buf)
    assert stats.pieces == 1 and buf.getvalue() == batch_xml_bytes(sample_batch())


def test_round_trip_keeps_everything():
    batch = sample_batch(extras={"ancillaryEndorsement": "Return Service Requested"})
    back = read_batch(batch_xml_bytes(batch))
    assert back.notes == [] and not back.had_credentials
    assert back.batch.filename == "letters.pdf" and back.batch.app_signature == "c2m-tui"
    job, orig = back.batch.jobs[0], batch.jobs[0]
    assert job.options == orig.options and job.return_address == orig.return_address
    assert job.extras == orig.extras and job.recipients == list(orig.recipients)


# ---------------------------------------------------------------- real-world samples


def test_reads_click2mail_shell_sample():
    got = read_batch(SHELL)
    assert got.had_credentials
    assert got.notes == ["embedded <username>/<password> ignored: HTTP Basic auth is used"]
    jobs = got.batch.jobs
    assert got.batch.filename == "batch-test.pdf" and got.batch.app_signature is None
    assert [(j.starting_page, j.ending_page) for j in jobs] == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    assert [len(j.recipients) for j in jobs] == [2] * 5
    assert jobs[1].recipients[1].state == "D.C."
    assert jobs[0].return_address.organization == "Click2Mail"
    assert got.job_lines == [6, 53, 100, 147, 194]
    assert got.recipient_lines[1] == [76, 87]
    lines = SHELL.read_text().splitlines()
    assert lines[87 - 1].strip() == "<address>" and "Romney" in lines[88 - 1]


def test_reads_btb_sample():
    got = read_batch(BTB)
    assert got.had_credentials
    jobs = got.batch.jobs
    assert jobs[0].recipients[0].name == "Franti\u0161ek Loukianos"  # from &#353;
    assert jobs[0].recipients[0].postal_code == "05397"
    assert jobs[2].options.envelope is None and jobs[2].options.mail_class == "FirstClass"
    assert jobs[0].options.envelope == "Flat Envelope"
    assert got.job_lines == [6, 42, 78] and got.recipient_lines == [[29], [65], [100]]


def test_rewriting_a_sample_drops_the_credentials():
    got = read_batch(SHELL)
    data = batch_xml_bytes(got.batch)
    assert b"jdoe123" not in data and b"Password123" not in data
    assert read_batch(data).batch.jobs[4].recipients[1].name == "Gaben"


@pytest.mark.parametrize("data,match", [
    (b"", "empty"),
    (b"<batch><job>", "line 1: malformed XML"),
    (b"<jobs/>", "root element is <jobs>"),
    (b"<batch>\n<job><startingPage>x</startingPage><endingPage>1</endingPage></job></batch>", 'line 2: job 1, startingPage: "x"'),
    (b'<!DOCTYPE batch [<!ENTITY x SYSTEM "file:///etc/passwd">]><batch><filename>&x;</filename></batch>', "DOCTYPE"),
])
def test_reader_errors_are_one_line_with_the_line_number(data, match):
    with pytest.raises(InputError, match=match) as info:
        read_batch(data)
    assert "\n" not in str(info.value)
    assert "root:" not in str(info.value)


def test_reader_names_the_file(tmp_path):
    with pytest.raises(InputError, match="nope.xml: no such file"):
        read_batch(tmp_path / "nope.xml")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<batch>\n<filename>x</filename>\n<job>\n</batch>")
    with pytest.raises(InputError, match=r"bad.xml: line 4: malformed XML"):
        read_batch(bad)


def test_unwritable_destination_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write here"):
        write_batch(sample_batch(), tmp_path / "no-such-dir" / "b.xml")


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_every_real_world_sample_reads_and_round_trips(path):
    got = read_batch(path)
    assert got.batch.jobs and all(j.recipients for j in got.batch.jobs)
    assert len(got.job_lines) == len(got.batch.jobs)
    again = read_batch(batch_xml_bytes(got.batch))
    assert [j.recipients for j in again.batch.jobs] == [j.recipients for j in got.batch.jobs]
    assert [j.options for j in again.batch.jobs] == [j.options for j in got.batch.jobs]


def test_a_number_where_text_is_expected_is_named():
    batch = Batch("x.pdf", [Job(1, 1, recipients=[Address(name="A", postal_code=2134)])])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="job 1, recipient 1, postalCode: expected text, got the number 2134"):
        batch_xml_bytes(batch)


def _through_lxml_only(monkeypatch, batch: Batch, dest) -> None:
    """The writer with every address made by lxml's element path (as before the template)."""
    from c2m_tui.core import batchxml

    with monkeypatch.context() as m:
        m.setattr(batchxml, "_plain_address", lambda addr: None)
        write_batch(batch, dest)


def test_plain_addresses_are_written_byte_for_byte_as_lxml_writes_them(monkeypatch, tmp_path):
    """The template is only taken for text lxml would neither escape nor refuse; any other address
    goes through lxml. Random addresses mixing both kinds, several jobs, more than one chunk, to a
    path (atomic file) and to a stream: the same bytes as lxml alone, and read back the same."""
    import random

    from c2m_tui.core import batchxml

    rng = random.Random(18)
    alphabet = ["a", "Z", "7", " ", "-", "'", '"', ".", "#", "é", "ß", "中", "\U0001f4ec", "\t", "\n",
                "&", "<", ">", "\r", "]]>", "&amp;", ";", "=", "?", "%", "\ufffd", "\ud7ff", "\ue000"]

    def text(k: int) -> str:
        return "".join(rng.choice(alphabet) if rng.random() < 0.15 else rng.choice("abcdefgh ")
                       for _ in range(rng.randint(0, k)))

    def address() -> Address:
        return Address(name=text(20), organization=text(10) if rng.random() < 0.5 else "", address1=text(25),
                       address2=text(8) if rng.random() < 0.2 else "", city=text(12), state=text(2),
                       postal_code=text(10), country=text(3) if rng.random() < 0.3 else "",
                       unique_id=text(6) if rng.random() < 0.4 else "")

    jobs = [Job(starting_page=2 * i + 1, ending_page=2 * i + 2,
                recipients=[address() for _ in range(rng.choice([1, 7, batchxml._RAW_CHUNK + 13]))])
            for i in range(4)]
    batch = Batch(filename="letters.pdf", jobs=jobs)
    plain = sum(batchxml._plain_address(a) is not None for job in jobs for a in job.recipients)
    assert 0 < plain < sum(len(job.recipients) for job in jobs), "both kinds are in the test"

    _through_lxml_only(monkeypatch, batch, tmp_path / "lxml.xml")
    write_batch(batch, tmp_path / "ours.xml")
    assert (tmp_path / "ours.xml").read_bytes() == (tmp_path / "lxml.xml").read_bytes()
    stream = io.BytesIO()
    write_batch(batch, stream)
    assert stream.getvalue() == (tmp_path / "lxml.xml").read_bytes()
    back = read_batch(tmp_path / "ours.xml")
    assert [[a.name for a in job.recipients] for job in back.batch.jobs] == \
        [[a.name for a in job.recipients] for job in jobs]


def test_an_address_lxml_refuses_is_still_refused_among_plain_ones():
    good = [Address(name=f"Person {i}", address1="1 Main St", city="Boston", state="MA", postal_code="02134")
            for i in range(5)]
    bad = Address(name="Ann\x0bSmith", address1="1 Main St", city="Boston", state="MA", postal_code="02134")
    batch = Batch(filename="letters.pdf", jobs=[Job(starting_page=1, ending_page=1, recipients=[*good, bad])])
    with pytest.raises(InputError, match=r"recipient 6.*name.*U\+000B"):
        write_batch(batch, io.BytesIO())


def test_an_address_outside_a_job_is_nobodys_recipient():
    xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<batch><filename>l.pdf</filename>'
           b"<job><startingPage>1</startingPage><endingPage>1</endingPage><printProductionOptions/>"
           b"<recipients><address><name>Ann</name></address></recipients></job>"
           b"<notes><old><address><name>Bob</name></address></old></notes></batch>")
    read = read_batch(xml)
    assert [a.name for job in read.batch.jobs for a in job.recipients] == ["Ann"]
    assert any("<notes>" in note for note in read.notes)
