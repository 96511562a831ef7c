"""What is about to be sent, and what the person saw: the plan journaled before any call, the
hashes a submit must still match."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from c2m_tui.core.errors import InputError
from c2m_tui.core.filehash import PdfHash, file_stat  # noqa: F401 - re-exported


class ChangedSinceReviewError(InputError):
    """A file changed on disk after it was reviewed (or recorded): what would be sent is not what was seen."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a batch goes: the profile, its environment (demo, staging, production, custom), the server."""

    profile: str
    environment: str
    base_url: str


@dataclass(slots=True)
class SendPlan:
    pdf: Path
    xml: bytes  # the batch XML to upload, exactly these bytes
    profile: str
    environment: str
    base_url: str
    jobs: int
    pieces: int
    pages: int
    xml_path: Path | None = None  # the file the XML came from, if any: re-hashed before submit too

    @property
    def target(self) -> Target:
        return Target(self.profile, self.environment, self.base_url)


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """What the person looked at: the hashes the send must still match right before submit."""

    pdf: Path
    pdf_sha256: str
    pdf_size: int
    xml_sha256: str
    xml_path: Path | None
    xml_file_sha256: str | None
    reviewed_at: str
    pdf_stat: tuple[int, int, int, int] | None = None  # (device, inode, size, mtime in ns) when hashed

    def pdf_unchanged(self) -> bool:
        """The PDF file is the very one hashed, untouched since (same file, size and modification
        time to the nanosecond): its hash need not be read again."""
        return self.pdf_stat is not None and file_stat(self.pdf) == self.pdf_stat


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex digest, size) of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    return h.hexdigest(), size


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def changed_error(path: Path, before: str, after: str, what: str) -> ChangedSinceReviewError:
    return ChangedSinceReviewError(
        f"{path}: changed on disk since it was {what} (sha256 {before[:12]}… is now {after[:12]}…)",
        hint="nothing was submitted; review the files again and send",
    )


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def review(plan: SendPlan, pdf_hash: PdfHash | None = None) -> ReviewRecord:
    """Record the hashes of what the person is shown; ``send(..., reviewed=...)`` insists on them.
    ``pdf_hash``: the PDF's hash already under way (``PdfHash``), waited for instead of hashing again."""
    if pdf_hash is not None and pdf_hash.path == plan.pdf:
        pdf_sha, pdf_size, stat = pdf_hash.result()
    else:
        before = file_stat(plan.pdf)
        pdf_sha, pdf_size = sha256_file(plan.pdf)
        stat = before if file_stat(plan.pdf) == before else None  # changed while hashed: vouch for nothing
    file_sha = sha256_file(plan.xml_path)[0] if plan.xml_path is not None else None
    return ReviewRecord(plan.pdf, pdf_sha, pdf_size, sha256_bytes(plan.xml), plan.xml_path, file_sha, now_iso(),
                        stat)


def check_xml_file(reviewed: ReviewRecord) -> None:
    if reviewed.xml_path is not None and reviewed.xml_file_sha256 is not None:
        now = sha256_file(reviewed.xml_path)[0]
        if now != reviewed.xml_file_sha256:
            raise changed_error(reviewed.xml_path, reviewed.xml_file_sha256, now, "reviewed")
