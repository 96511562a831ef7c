"""Read an address list (CSV, TSV or XLSX) as a stream of rows.

Rows are numbered as a spreadsheet shows them: the header is row 1 and the first data row is
row 2 (a CSV record with an embedded newline still counts as one row, as Excel shows it).
Blank rows are counted but not yielded, so row numbers always match what the person sees.

Nothing here holds the whole list: ``AddressTable.rows()`` opens the file again on every call
and yields ``(row_number, {header: value})`` lazily, so 100,000 rows cost one row of memory.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterator

from c2m_tui.core.errors import InputError
from c2m_tui.core.inputfile import require_regular_file

Row = dict[str, str]

_TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": None}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",\t;|"
_CHUNK = 256 * 1024

csv.field_size_limit(1 << 24)  # an Outlook "Notes" cell can be long; the default 128 KiB is not enough


@dataclass(slots=True)
class TableInfo:
    """What was found out about a file before reading its rows."""

    path: Path
    kind: str  # "csv" | "tsv" | "xlsx"
    headers: list[str]
    header_row: int = 1  # spreadsheet row number of the header
    delimiter: str | None = None
    encoding: str | None = None  # "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"; None for xlsx
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)  # things the person should know (encoding fallback...)


@dataclass(slots=True)
class Preview:
    info: TableInfo
    rows: list[tuple[int, Row]]


class AddressTable:
    """An opened address list: its ``info``, and ``rows()`` to stream it (re-iterable)."""

    def __init__(self, info: TableInfo) -> None:
        self.info = info

    def rows(self) -> Iterator[tuple[int, Row]]:
        if self.info.kind == "xlsx":
            return _xlsx_rows(self.info)
        return _text_rows(self.info)


def open_table(path: str | Path, *, sheet: str | None = None) -> AddressTable:
    """Open ``path``, find its format, encoding, delimiter and header row. Raises InputError."""
    path = require_regular_file(path, "an address list")
    with open(path, "rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path}: an old Excel .xls file; save it as .xlsx or .csv and try again")
    if suffix in (".numbers", ".ods", ".xls"):
        raise InputError(f"{path}: {suffix} files are not read; save the sheet as .xlsx or .csv")
    if suffix in _XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return AddressTable(_xlsx_info(path, sheet))
    if sheet is not None:
        raise InputError(f"{path}: --sheet applies to .xlsx files only")
    return AddressTable(_text_info(path))


def iter_rows(path: str | Path, *, sheet: str | None = None) -> Iterator[tuple[int, Row]]:
    """Every data row of ``path`` as ``(row_number, {header: value})``, lazily."""
    return open_table(path, sheet=sheet).rows()


def preview(path: str | Path, n: int = 20, *, sheet: str | None = None) -> Preview:
    """The file's info and its first ``n`` data rows (cheap: stops reading after them)."""
    table = open_table(path, sheet=sheet)
    rows: list[tuple[int, Row]] = []
    it = table.rows()
    try:
        for item in it:
            if len(rows) >= n:
                break
            rows.append(item)
    finally:
        close = getattr(it, "close", None)
        if close:
            close()
    return Preview(table.info, rows)


# --------------------------------------------------------------------------- text (CSV / TSV)


def _detect_encoding(path: Path) -> tuple[str, str | None]:
    """The encoding to read ``path`` with, and a note when it is not plain UTF-8.

    The whole file is checked in 256 KiB chunks (fast, constant memory) because a single é written
    by an old Excel in Windows-1252 can sit on row 90,000; guessing from the start would fail there.
    """
    with open(path, "rb") as fh:
        first = fh.read(4)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", None  # Excel's "Unicode Text" export: UTF-16 with a BOM, tab-separated
        encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        offset = 0
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                bad_line = line + chunk.count(b"\n", 0, err.start)
                return _legacy_encoding(path, bad_line, offset + err.start)
            line += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _legacy_encoding(path, line, max(0, offset - 4))
    return encoding, None


# Legacy encodings other than Western ones that address lists come in: Japanese (Excel on a
# Japanese Windows writes Shift-JIS/cp932), Chinese, Korean, Cyrillic, Greek, Hebrew, Arabic, Thai.
_NON_LATIN = ("cp932", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr", "cp949", "cp1251", "koi8_r",
              "cp1253", "cp1255", "cp1256", "cp874")
_WESTERN = ("cp1252", "latin_1", "cp1250")
_GUESS_SAMPLE = 256 * 1024


def _guess_non_latin(path: Path, bad_offset: int) -> tuple[str, str] | None:
    """A non-Latin encoding (codec, language) for a file that is not UTF-8, when the text says so
    clearly (charset-normalizer, on the start of the file and around its first non-UTF-8 byte);
    None for Western text or when unsure (then the Windows-1252 fallback applies)."""
    from charset_normalizer import from_bytes  # only for files that are not UTF-8

    with open(path, "rb") as fh:
        sample = fh.read(_GUESS_SAMPLE)
        if bad_offset > len(sample) - 16:
            fh.seek(max(0, bad_offset - 64))
            sample += b"\n" + fh.read(_GUESS_SAMPLE)
    best = from_bytes(sample, cp_isolation=[*_NON_LATIN, *_WESTERN]).best()
    if best is None or best.encoding not in _NON_LATIN:
        return None
    text = str(best)
    foreign = sum(1 for ch in text if ord(ch) > 0xFF)
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)
    if foreign < 3 or foreign * 2 < non_ascii:  # a stray byte or two is no proof of a script
        return None
    try:  # the whole file must decode, not only the sample
        with open(path, encoding=best.encoding, newline="") as fh:
            while fh.read(_CHUNK):
                pass
    except UnicodeDecodeError:
        return None
    return best.encoding, best.language or "unknown language"


def _legacy_encoding(path: Path, bad_line: int, bad_offset: int = 0) -> tuple[str, str]:
    guessed = _guess_non_latin(path, bad_offset)
    if guessed is not None:
        encoding, language = guessed
        label = f"{codecs.lookup(encoding).name} ({language})"
        return encoding, (f"{path.name} is not UTF-8 (first non-UTF-8 byte on line {bad_line}); read it as "
                          f"{label}. Check the names, or save the file as CSV UTF-8")
    # Excel on Windows writes "CSV" in Windows-1252 (Latin-1 plus curly quotes and the euro sign);
    # five bytes are undefined there, and Latin-1 decodes anything.
    try:
        with open(path, encoding="cp1252", newline="") as fh:
            while fh.read(_CHUNK):
                pass
        encoding, label = "cp1252", "Latin-1 (Windows-1252)"
    except UnicodeDecodeError:
        encoding, label = "latin-1", "Latin-1 (ISO-8859-1)"
    note = (
        f"{path.name} is not UTF-8 (first bad byte on line {bad_line}); read it as {label}. "
        "Check accented names, or save the file as CSV UTF-8"
    )
    return encoding, note


def _text_info(path: Path) -> TableInfo:
    encoding, note = _detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(_SNIFF_BYTES)
    delimiter = _sniff_delimiter(path, sample, encoding)
    kind = "tsv" if delimiter == "\t" else "csv"
    info = TableInfo(path=path, kind=kind, headers=[], delimiter=delimiter, encoding=encoding)
    if note:
        info.notes.append(note)
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        number, ended = 0, 0
        try:
            for number, record in enumerate(reader, start=1):
                if any(cell.strip() for cell in record):
                    info.headers = _header_names(record)
                    info.header_row = number
                    break
                ended = reader.line_num
        except csv.Error as err:
            raise _csv_error(path, number + 1, ended + 1, err) from None
    if not info.headers:
        raise InputError(f"{path}: the file is empty (no header row)")
    return info


def _sniff_delimiter(path: Path, sample: str, encoding: str) -> str:
    forced = _TEXT_SUFFIXES.get(path.suffix.lower())
    first_line = sample.split("\n", 1)[0]
    if encoding == "utf-16":
        forced = forced or "\t"
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    # The sniffer is fooled by commas inside values; the header line rarely has them, so count there.
    counted = max(_DELIMITERS, key=first_line.count)
    if not first_line.count(counted):
        counted = None
    if forced and first_line.count(forced):
        return forced
    if sniffed and counted and sniffed != counted and first_line.count(counted) > first_line.count(sniffed):
        return counted
    return sniffed or counted or forced or ","


def _text_rows(info: TableInfo) -> Iterator[tuple[int, Row]]:
    headers = info.headers
    width = len(headers)
    with open(info.path, encoding=info.encoding, newline="") as fh:
        # strict: a quote opened and never closed would otherwise swallow every later row into one
        # cell without a word; better to stop and say where it opened.
        reader = csv.reader(fh, delimiter=info.delimiter or ",", strict=True)
        number = 0
        ended = 0  # the physical line where the previous row ended
        try:
            for number, record in enumerate(reader, start=1):
                if number <= info.header_row:
                    ended = reader.line_num
                    continue
                ended = reader.line_num
                if len(record) == width:
                    if not any(record):
                        continue
                    yield number, dict(zip(headers, record))
                elif record and any(cell.strip() for cell in record):
                    yield number, dict(zip(headers, record + [""] * (width - len(record))))
        except csv.Error as err:
            raise _csv_error(info.path, number + 1, ended + 1, err) from None


def _csv_error(path: Path, row: int, line: int, err: csv.Error) -> InputError:
    text = str(err)
    if "unexpected end of data" in text:
        text = "a quote (\") opened here is never closed, so the rest of the file would be one cell"
    return InputError(f"{path}: row {row} (line {line}): {text}")


def _header_names(cells: list[str]) -> list[str]:
    """Header names made unique and never empty: a blank header becomes "Column C", a repeated
    one "Phone (2)", so every cell can be mapped by name."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = cell.strip() or f"Column {_column_letter(index)}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        names.append(name)
    return names


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- XLSX


# An .xlsx is a zip: openpyxl inflates its parts (the shared strings whole), so a 1 MB "zip bomb"
# that inflates to gigabytes would take that much memory. Python's zipfile never inflates a member
# past its declared size, so the declared sizes are checked first. 256 MiB is about ten times a
# 100,000-row address list's parts.
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_XLSX_MEMBERS = 10_000


def _check_zip_sizes(path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise InputError(f"{path}: not a readable .xlsx workbook ({err})") from None
    total = sum(m.file_size for m in members)
    if len(members) > MAX_XLSX_MEMBERS or total > MAX_XLSX_UNCOMPRESSED:
        raise InputError(
            f"{path}: the workbook unpacks to {total >> 20} MiB in {len(members)} parts, over the "
            f"{MAX_XLSX_UNCOMPRESSED >> 20} MiB limit (a damaged file or a zip bomb); save the sheet as CSV"
        )


def _open_workbook(path: Path):
    import zipfile

    _check_zip_sizes(path)
    from openpyxl import load_workbook  # heavy: only when an .xlsx is read

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise InputError(f"{path}: not a readable .xlsx workbook ({err})") from None


def _pick_sheet(wb, path: Path, sheet: str | None):
    if sheet is not None and sheet not in wb.sheetnames:
        raise InputError(f"{path}: no sheet named {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
    ws = wb.worksheets[0] if sheet is None else wb[sheet]
    # Read-only mode trusts the sheet's recorded size, which some exporters get wrong (rows or
    # columns would silently go missing); without it openpyxl reads every cell that is there.
    ws.reset_dimensions()
    return ws


def _xlsx_info(path: Path, sheet: str | None) -> TableInfo:
    wb = _open_workbook(path)
    try:
        ws = _pick_sheet(wb, path, sheet)
        info = TableInfo(path=path, kind="xlsx", headers=[], sheet=ws.title)
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                while cells and not cells[-1].strip():
                    cells.pop()  # read-only sheets often report trailing empty columns
                info.headers = _header_names(cells)
                info.header_row = number
                break
        if len(wb.sheetnames) > 1 and sheet is None:
            info.notes.append(f"{path.name} has {len(wb.sheetnames)} sheets; reading the first, {ws.title!r}")
    finally:
        wb.close()
    if not info.headers:
        raise InputError(f"{path}: sheet {info.sheet!r} is empty (no header row)")
    return info


def _xlsx_rows(info: TableInfo) -> Iterator[tuple[int, Row]]:
    wb = _open_workbook(info.path)
    try:
        ws = _pick_sheet(wb, info.path, info.sheet)
        headers = info.headers
        width = len(headers)
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number <= info.header_row:
                continue
            cells = [_cell_text(v) for v in values[:width]]
            if not any(cells):
                continue
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield number, dict(zip(headers, cells))
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: 2134.0 -> "2134", a date -> "2026-11-28"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


__all__ = ["AddressTable", "Preview", "Row", "TableInfo", "iter_rows", "open_table", "preview"]
