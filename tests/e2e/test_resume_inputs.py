"""Batches the app's wizard left before their files were recorded are finished by ``c2m-tui resume
ID --pdf/--xml`` (it names what it needs), files are checked by hash, and ``forget`` drops a batch
that was never submitted. The entries are made with the very core steps the wizard's workers call."""

from __future__ import annotations

from c2m_tui.config.paths import journal_file
from c2m_tui.core.client import BatchClient
from c2m_tui.core.journal import open_journal
from c2m_tui.core.sending import Target, create_step, pdf_step, start_entry
from tests.conftest import make_pdf
from tests.e2e.sendflow import cli, make_batch_files, sim_batches


async def left_by_the_wizard(sim, pdf=None) -> str:
    """What the wizard leaves when it is quit after create (and, with ``pdf``, after the PDF upload)."""
    journal = open_journal(journal_file())
    try:
        key = start_entry(journal, Target("demo", "demo", sim.base_url))
        async with BatchClient(sim.base_url, "demo", "demo", timeout=30) as client:
            batch_id = await create_step(client, journal, key)
            if pdf is not None:
                await pdf_step(client, journal, key, pdf=pdf, pages=2)
    finally:
        journal.close()
    return batch_id


async def test_left_after_the_pdf_upload_it_names_the_xml_it_needs_then_takes_it(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    batch_id = await left_by_the_wizard(sim, pdf)
    listed = cli(app_home, "batches")
    assert f"resume {batch_id} --xml FILE" in listed.stdout and str(pdf) in listed.stdout

    out = cli(app_home, "resume", batch_id, "--yes")
    assert out.returncode == 2
    assert f"batch {batch_id} needs its XML" in out.stderr and f"--xml FILE" in out.stderr
    assert "PDF ," not in out.stderr and "Is a directory" not in out.stderr  # the bugs of the issue
    assert sim_batches(sim)[batch_id]["submit_count"] == 0

    out = cli(app_home, "resume", batch_id, "--xml", str(xml), "--yes")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == batch_id
    assert "upload the PDF: skipped" in out.stderr  # the server has it: only the XML and the submit
    server = sim_batches(sim)[batch_id]
    assert server["submit_count"] == 1 and server["xml_bytes"] > 0 and server["pdf_bytes"] == pdf.stat().st_size
    again = cli(app_home, "resume", batch_id, "--yes")
    assert again.returncode == 0 and "already submitted" in again.stderr
    assert sim_batches(sim)[batch_id]["submit_count"] == 1


async def test_left_after_create_it_needs_both_files(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    batch_id = await left_by_the_wizard(sim)
    out = cli(app_home, "resume", batch_id, "--yes")
    assert out.returncode == 2
    assert "needs its PDF" in out.stderr and "needs its XML" in out.stderr
    assert f"--pdf FILE --xml FILE" in out.stderr
    # an XML alone cannot be checked against a PDF nobody named
    out = cli(app_home, "resume", batch_id, "--xml", str(xml), "--yes")
    assert out.returncode == 1 and "give its PDF too" in out.stderr
    out = cli(app_home, "resume", batch_id, "--pdf", str(pdf), "--xml", str(xml), "--yes")
    assert out.returncode == 0, out.stderr
    server = sim_batches(sim)[batch_id]
    assert server["submit_count"] == 1 and server["pdf_bytes"] == pdf.stat().st_size


async def test_an_xml_that_does_not_fit_the_pdf_is_refused_before_anything_is_sent(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path, pages=2)
    short = make_pdf(tmp_path / "short.pdf", 1)  # the XML asks for pages 1-2
    batch_id = await left_by_the_wizard(sim)
    out = cli(app_home, "resume", batch_id, "--pdf", str(short), "--xml", str(xml), "--yes")
    assert out.returncode == 1 and "not resumed" in out.stderr
    server = sim_batches(sim)[batch_id]
    assert server["submit_count"] == 0 and server["pdf_bytes"] == 0


async def test_a_different_pdf_replaces_the_uploaded_one_and_the_same_one_moved_is_used(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    batch_id = await left_by_the_wizard(sim, pdf)
    moved = tmp_path / "moved.pdf"
    pdf.rename(moved)  # the same bytes at another path: used, not uploaded again
    out = cli(app_home, "resume", batch_id, "--yes")
    assert out.returncode == 2 and "is not there any more" in out.stderr
    other, _ = make_batch_files(tmp_path, name="other")
    other.write_bytes(other.read_bytes() + b"%another letter\n")
    out = cli(app_home, "resume", batch_id, "--pdf", str(other), "--xml", str(xml), "--yes")
    assert out.returncode == 0, out.stderr
    assert "is not the one recorded" in out.stderr and "upload the PDF: done" in out.stderr
    server = sim_batches(sim)[batch_id]
    assert server["submit_count"] == 1 and server["pdf_bytes"] == other.stat().st_size


async def test_forget_drops_an_unsubmitted_batch_and_never_a_submitted_one(sim, tmp_path, app_home):
    pdf, xml = make_batch_files(tmp_path)
    dropped = await left_by_the_wizard(sim, pdf)
    out = cli(app_home, "forget", dropped)
    assert out.returncode == 2 and "--yes" in out.stderr  # no terminal to ask on: nothing done
    out = cli(app_home, "forget", dropped, "--yes")
    assert out.returncode == 0 and "abandoned" in out.stderr
    listed = cli(app_home, "batches")
    assert "abandoned" in listed.stdout and f"resume {dropped}" not in listed.stdout
    out = cli(app_home, "resume", dropped, "--xml", str(xml), "--yes")
    assert out.returncode == 1 and "abandoned" in out.stderr
    assert sim_batches(sim)[dropped]["submit_count"] == 0

    sent = cli(app_home, "send", "--pdf", str(pdf), "--xml", str(xml), "--yes", "--base-url", sim.base_url)
    assert sent.returncode == 0, sent.stderr
    batch_id = sent.stdout.strip().splitlines()[-1]
    out = cli(app_home, "forget", batch_id, "--yes")
    assert out.returncode == 1 and "cannot be forgotten" in out.stderr
    out = cli(app_home, "forget", batch_id)  # refused at once, not first offered with --yes
    assert out.returncode == 1 and "cannot be forgotten" in out.stderr and "--yes" not in out.stderr
    out = cli(app_home, "forget", "424242", "--yes")
    assert out.returncode == 1 and "not in this machine's journal" in out.stderr
