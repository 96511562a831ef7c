"""What the journal shows a person: the recent batches on a server, and where a batch can be
picked up again (for the app's home screen; ``batches`` uses ``Journal.listing``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from c2m_tui.core.journal.entry import JournalEntry
from c2m_tui.core.journal.store import Journal


@dataclass(frozen=True, slots=True)
class BatchRow:
    batch_id: str
    state: str  # once submitted, the last status read (queued, processing, mailed, failed) says more
    note: str
    when: float  # POSIX time of the last change


def recent_batches(journal: Journal, base_url: str, limit: int = 50) -> list[BatchRow]:
    """The batches sent to ``base_url`` from this machine, newest first (entries with no id left out)."""
    rows = []
    for e in sorted(journal.entries(base_url=base_url), key=lambda e: e.updated_at, reverse=True):
        if not e.batch_id:
            continue
        state = e.last_status if e.submitted and e.last_status else e.state
        rows.append(BatchRow(e.batch_id, state, e.explain(), _stamp(e.updated_at)))
        if len(rows) >= limit:
            break
    return rows


def _stamp(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return 0.0


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """Where a front end picks a batch up again: the next step to do and the files already known."""

    batch_id: str
    next_step: str  # "pdf", "xml" or "submit" (review and submit)
    key: int | None = None  # the journal entry
    pdf: Path | None = None  # the recorded PDF, when it is still there
    pdf_uploaded: bool = False
    xml: bytes | None = None  # the journal's copy of the XML, when one was recorded
    xml_uploaded: bool = False
    blocked: str | None = None  # why it must not be picked up here (submitted, abandoned, unanswered)


def resume_point(journal: Journal, batch_id: str, base_url: str) -> ResumePoint | None:
    """None when the journal does not know the batch on this server."""
    entry = journal.find(batch_id, base_url)
    if entry is None:
        return None
    return point_for(journal, entry)


def point_for(journal: Journal, entry: JournalEntry) -> ResumePoint:
    bid = entry.batch_id or ""
    blocked = None
    if entry.submitted:
        blocked = "it was already submitted; it is never submitted twice"
    elif entry.abandoned:
        blocked = "it was abandoned (c2m-tui forget); it is never sent"
    elif entry.batch_id is None:
        blocked = entry.explain()
    elif entry.unsettled is not None and entry.unsettled.step == "submit":
        blocked = f"its submit got no answer: c2m-tui resume {bid} reads its status and settles it"
    if blocked:
        return ResumePoint(bid, "submit", entry.key, blocked=blocked)
    pdf = Path(entry.pdf_path) if entry.has_pdf and Path(entry.pdf_path).is_file() else None
    xml = journal.xml_copy(entry.key) if entry.has_xml else None
    pdf_up, xml_up = entry.done("pdf"), entry.done("xml")
    if not (pdf_up and pdf is not None):
        step = "pdf"
    elif not (xml_up and xml is not None):
        step = "xml"
    else:
        step = "submit"
    return ResumePoint(bid, step, entry.key, pdf=pdf, pdf_uploaded=pdf_up, xml=xml or None, xml_uploaded=xml_up)


@dataclass(frozen=True, slots=True)
class EarlierSubmit:
    """An earlier batch with the same PDF and XML in this environment: its id and when its submit
    really finished (the journal's submit step), not when the batch was created."""

    batch_id: str
    environment: str
    submitted_at: str | None  # ISO time the submit step finished; None when no answer came
    answered: bool

    def describe(self) -> str:
        """The words of the duplicate guard's refusal, with the real submit time."""
        if self.answered and self.submitted_at:
            return (f"this PDF and XML were already submitted in {self.environment} as batch {self.batch_id} "
                    f"on {self.submitted_at[:19].replace('T', ' ')} UTC")
        return (f"this PDF and XML were already possibly submitted (no answer came) in {self.environment} "
                f"as batch {self.batch_id}")


def earlier_submit(journal: Journal, environment: str, base_url: str, pdf_sha256: str, xml_sha256: str,
                   exclude_key: int | None = None) -> EarlierSubmit | None:
    """The duplicate guard's finding, for showing before any Submit button (the same rule as
    ``Journal.find_duplicate``, which ``submit_step`` enforces)."""
    earlier = journal.find_duplicate(environment, base_url, pdf_sha256, xml_sha256, exclude_key)
    if earlier is None:
        return None
    step = earlier.latest("submit")
    finished = step.finished_at if step is not None and step.settled else None
    return EarlierSubmit(earlier.batch_id or "(no id)", earlier.environment, finished,
                         bool(earlier.submitted and finished))


# ---------------------------------------------------------------------------- who each piece went to


def recipients_by_job(journal: Journal, batch_id: str, base_url: str) -> dict[str, list]:
    """Who each job of a batch went to, from the journal's copy of the XML that was uploaded:
    {job index ("1", "2", ...): [Recipient]}; a recipient's ``list_id`` is its ``c2m_uniqueid``
    when the list gave one, else its place (``job 2 #14``). Empty when the journal has no copy."""
    from c2m_tui.core.batchxml import read_batch
    from c2m_tui.core.models import Recipient

    entry = journal.find(str(batch_id), base_url)
    if entry is None or not entry.has_xml:
        return {}
    batch = read_batch(journal.xml_copy(entry.key)).batch
    out: dict[str, list] = {}
    for job_no, job in enumerate(batch.jobs, 1):
        out[str(job_no)] = [
            Recipient(name=a.name or a.organization or "", city=a.city or "", postal_code=a.postal_code or "",
                      list_id=a.unique_id or f"job {job_no} #{n}")
            for n, a in enumerate(job.recipients, 1)
        ]
    return out


def name_jobs(status, by_job: dict[str, list]):
    """``status`` with each job's recipients filled from ``recipients_by_job`` where the answer had none."""
    from dataclasses import replace

    if not by_job:
        return status
    status.jobs = [replace(j, recipients=tuple(by_job.get(str(j.job_index), ()))) if not j.recipients else j
                   for j in status.jobs]
    return status


def name_pieces(rows, by_job: dict[str, list]) -> None:
    """Fill each tracking row's recipient from the journal where the answer named only its list id
    (``uniqueId``) or nothing: matched by list id, never guessed from the order."""
    known = {r.list_id: r for people in by_job.values() for r in people}
    for row in rows:
        have = row.recipient
        if have is not None and have.name:
            continue
        wanted = have.list_id if have is not None else ""
        if wanted and wanted in known:
            row.recipient = known[wanted]
