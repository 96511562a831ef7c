"""Everything checked and prepared locally before a batch costs anything: validation, the XML that
will really be uploaded (embedded credentials removed), and the figures a person confirms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from c2m_tui.core.errors import InputError


@dataclass
class Prepared:
    pdf: Path
    xml_path: Path
    xml: bytes  # exactly what will be uploaded
    report: object  # c2m_tui.core.validate.ValidationReport
    pdf_pages: int
    pdf_bytes: int
    credentials_removed: bool

    @property
    def jobs(self) -> int:
        return self.report.jobs

    @property
    def pieces(self) -> int:
        return self.report.pieces


def strip_credentials(xml: bytes) -> tuple[bytes, bool]:
    """Remove ``<username>``/``<password>`` children of ``<batch>`` (old clients put them there;
    Basic auth is what counts). Returns the bytes to upload and whether anything was removed."""
    from lxml import etree

    from c2m_tui.core.safexml import parse_bytes

    try:
        root = parse_bytes(xml)
    except Exception as err:  # the validator reports the details with a line number
        raise InputError(f"the batch XML is not well-formed: {err}") from err
    found = [child for child in root if isinstance(child.tag, str) and child.tag in ("username", "password")]
    if not found:
        return xml, False
    for child in found:
        parent = child.getparent()
        # keep the indentation tidy: the removed element's tail goes with it
        prev = child.getprevious()
        if prev is not None:
            prev.tail = child.tail if child.tail is not None else prev.tail
        elif parent is not None:
            parent.text = child.tail if child.tail is not None else parent.text
        parent.remove(child)
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n", True


CREDENTIALS_NOTE = "the <username>/<password> inside the XML are removed before upload (HTTP Basic auth is used)"


def xml_for_upload(path: str | Path) -> tuple[bytes, list[str]]:
    """A batch XML file as it will be validated and uploaded: read, normalised, embedded credentials
    removed (``strip_credentials``, the one way to do it), and otherwise byte for byte what the file
    says, so an unknown element is judged, not dropped by a re-write. Malformed XML raises
    InputError naming the file and the line. Returns (bytes, notes)."""
    from c2m_tui.core.xml_bytes import read_batch_xml

    raw = read_batch_xml(Path(path))
    try:
        xml, removed = strip_credentials(raw)
    except InputError as err:
        raise InputError(f"{Path(path).name}: {err}") from None
    return xml, [CREDENTIALS_NOTE] if removed else []


def prepare(pdf: str | Path, xml_path: str | Path, *, allow_unknown_options: bool = False) -> Prepared:
    """Validate the pair and build what will be uploaded. Raises InputError for unreadable files.
    ``allow_unknown_options``: product options outside the catalog are warnings, not errors."""
    from c2m_tui.core.xml_bytes import read_batch_xml

    xml_path = Path(xml_path)
    # read once and normalised (UTF-8 with a declaration): these bytes are validated, hashed,
    # journaled and uploaded, so what was checked is exactly what the server gets
    return _prepared(Path(pdf), read_batch_xml(xml_path), xml_path, allow_unknown_options)


def prepare_bytes(pdf: str | Path, raw: bytes, xml_path: Path, *, allow_unknown_options: bool = False) -> Prepared:
    """``prepare`` for XML already in memory (the journal's copy, normalised when it was recorded);
    ``xml_path`` names it in messages."""
    from c2m_tui.core.xml_bytes import normalise_batch_xml

    return _prepared(Path(pdf), normalise_batch_xml(raw, str(xml_path)), xml_path, allow_unknown_options)


def _prepared(pdf: Path, raw: bytes, xml_path: Path, allow_unknown_options: bool = False) -> Prepared:
    from c2m_tui.core.pdf import pdf_info
    from c2m_tui.core.validate import validate_batch

    info = pdf_info(pdf)
    report = validate_batch(raw, pdf, source=str(xml_path), allow_unknown_options=allow_unknown_options)
    # only an XML that may carry credentials is parsed again (a million recipients parse to GBs)
    may_carry = b"<username" in raw or b"<password" in raw
    xml, removed = strip_credentials(raw) if report.valid and may_carry else (raw, False)
    return Prepared(
        pdf=pdf,
        xml_path=xml_path,
        xml=xml,
        report=report,
        pdf_pages=info.pages,
        pdf_bytes=info.size_bytes,
        credentials_removed=removed,
    )


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
