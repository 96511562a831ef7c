"""Reading address lists: encodings, delimiters, row numbers, XLSX."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from c2m_tui.core.addresses import iter_rows, open_table, preview
from c2m_tui.core.errors import InputError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "addresses"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_outlook_export_reads_with_spreadsheet_row_numbers():
    table = open_table(FIXTURES / "outlook_contacts.csv")
    assert table.info.kind == "csv" and table.info.delimiter == "," and table.info.encoding == "utf-8"
    assert table.info.headers[:4] == ["Title", "First Name", "Middle Name", "Last Name"]
    rows = list(table.rows())
    assert [n for n, _ in rows] == list(range(2, 11))
    first = rows[0][1]
    assert first["Business Street"] == "1 Main St\r\nSuite 400"  # a multi-line cell stays one row
    assert rows[5][1]["Last Name"] == "Müller"


def test_rows_stream_lazily_and_can_be_read_again():
    table = open_table(FIXTURES / "outlook_contacts.csv")
    stream = table.rows()
    assert isinstance(stream, types.GeneratorType)
    assert next(stream)[0] == 2
    stream.close()
    assert sum(1 for _ in table.rows()) == 9


def test_blank_line_counts_as_a_row_but_is_not_yielded():
    numbers = [n for n, _ in iter_rows(FIXTURES / "google_contacts.csv")]
    assert numbers == [2, 3, 5, 6, 7]


def test_bom_is_removed_from_the_first_header(tmp_path):
    text = (FIXTURES / "google_contacts_new.csv").read_bytes()
    path = write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + text)
    table = open_table(path)
    assert table.info.encoding == "utf-8-sig"
    assert table.info.headers[0] == "First Name"
    assert not table.info.notes
    assert next(table.rows())[1]["First Name"] == "Erin"


def test_latin1_fallback_is_reported_with_its_line(tmp_path):
    lines = ["Name,Street,City,State,Zip"] + [f"Person {i},{i} Main St,Boston,MA,02134" for i in range(5)]
    lines.insert(4, "José Núñez,1 Calle,Miami,FL,33101")
    path = write(tmp_path / "excel-windows.csv", "\r\n".join(lines).encode("cp1252"))
    table = open_table(path)
    assert table.info.encoding == "cp1252"
    assert len(table.info.notes) == 1
    note = table.info.notes[0]
    assert "not UTF-8" in note and "line 5" in note and "Latin-1" in note
    rows = dict(table.rows())
    assert rows[5]["Name"] == "José Núñez"


def test_bytes_undefined_in_windows_1252_fall_back_to_iso_latin1(tmp_path):
    path = write(tmp_path / "odd.csv", b"Name,City\n\x81bc,Boston\n")
    table = open_table(path)
    assert table.info.encoding == "latin-1"
    assert "ISO-8859-1" in table.info.notes[0]
    assert dict(table.rows())[2]["Name"] == "\x81bc"


def test_utf16_unicode_text_from_excel(tmp_path):
    text = "Name\tCity\tState\r\nZoë Adams\tSalem\tOR\r\n"
    path = write(tmp_path / "unicode.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    table = open_table(path)
    assert table.info.kind == "tsv" and table.info.encoding == "utf-16"
    assert dict(table.rows())[2] == {"Name": "Zoë Adams", "City": "Salem", "State": "OR"}


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("Name;Street;City\nA;1 Main St, Apt 2;Boston\nB;2 Elm;Austin\n", ";"),  # European Excel
        ('Name,Street,City\n"A","1 Main St; rear",Boston\n', ","),
        ("Name|Street|City\nA|1 Main|Boston\n", "|"),
        ("Name\tStreet\tCity\nA\t1 Main St, Apt 2\tBoston\n", "\t"),
    ],
)
def test_delimiter_is_sniffed(tmp_path, text, delimiter):
    table = open_table(write(tmp_path / "list.csv", text.encode()))
    assert table.info.delimiter == delimiter
    assert table.info.headers == ["Name", "Street", "City"]
    assert next(table.rows())[1]["City"] == "Boston"


def test_tsv_fixture_is_tab_separated():
    table = open_table(FIXTURES / "salesforce_contacts.tsv")
    assert table.info.kind == "tsv"
    assert dict(table.rows())[4]["Letter Pages"] == "3"


def test_short_rows_are_padded_and_headers_made_unique(tmp_path):
    path = write(tmp_path / "ragged.csv", b"Name,Phone,Phone,,City\nAnn,1,2\n")
    table = open_table(path)
    assert table.info.headers == ["Name", "Phone", "Phone (2)", "Column D", "City"]
    assert dict(table.rows())[2] == {"Name": "Ann", "Phone": "1", "Phone (2)": "2", "Column D": "", "City": ""}


def test_leading_blank_lines_move_the_header_row(tmp_path):
    path = write(tmp_path / "late.csv", b"\n\nName,City\nAnn,Reno\n")
    table = open_table(path)
    assert table.info.header_row == 3
    assert list(table.rows()) == [(4, {"Name": "Ann", "City": "Reno"})]


def test_preview_returns_only_n_rows():
    pre = preview(FIXTURES / "outlook_contacts.csv", 3)
    assert [n for n, _ in pre.rows] == [2, 3, 4]
    assert pre.info.headers[1] == "First Name"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        ("sheet.ods", b"PK\x03\x04rest", ".ods"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable .xlsx"),
    ],
)
def test_unreadable_files_say_what_is_wrong(tmp_path, name, data, message):
    path = write(tmp_path / name, data)
    with pytest.raises(InputError) as err:
        open_table(path)
    assert message in str(err.value) and name in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        open_table(tmp_path / "nope.csv")


def make_xlsx(path: Path, rows: list[list], *, extra_sheet: bool = False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Contacts"
    for row in rows:
        ws.append(row)
    if extra_sheet:
        wb.create_sheet("Notes").append(["not addresses"])
    wb.save(path)
    return path


def test_xlsx_numbers_become_the_text_a_person_sees(tmp_path):
    from datetime import datetime

    path = make_xlsx(tmp_path / "list.xlsx", [
        ["Name", "Street", "City", "State", "ZIP", "Since"],
        ["Ann Lee", "4 Oak St", "Boston", "MA", 2134, datetime(2024, 5, 1)],
        [None, None, None, None, None, None],
        ["Bo Diaz", "5 Elm St", "Austin", "TX", 78701.0, None],
    ], extra_sheet=True)
    table = open_table(path)
    assert table.info.kind == "xlsx" and table.info.sheet == "Contacts"
    assert any("2 sheets" in n for n in table.info.notes)
    rows = list(table.rows())
    assert [n for n, _ in rows] == [2, 4]
    assert rows[0][1]["ZIP"] == "2134" and rows[0][1]["Since"] == "2024-05-01"
    assert rows[1][1]["ZIP"] == "78701" and rows[1][1]["Since"] == ""


def test_xlsx_named_sheet_and_unknown_sheet(tmp_path):
    path = make_xlsx(tmp_path / "list.xlsx", [["Name", "City"], ["Ann", "Reno"]], extra_sheet=True)
    assert open_table(path, sheet="Notes").info.headers == ["not addresses"]
    with pytest.raises(InputError, match="no sheet named 'Nope'.*Contacts, Notes"):
        open_table(path, sheet="Nope")


def test_xlsx_with_a_wrong_recorded_size_loses_no_rows(tmp_path):
    import re
    import zipfile

    good = make_xlsx(tmp_path / "good.xlsx", [["Name", "City", "Zip"], ["Ann", "Reno", 89501], ["Bo", "Lodi", 95240]])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert n == 1
            dst.writestr(item, data)
    table = open_table(bad)
    assert table.info.headers == ["Name", "City", "Zip"]
    assert list(table.rows()) == [(2, {"Name": "Ann", "City": "Reno", "Zip": "89501"}),
                                  (3, {"Name": "Bo", "City": "Lodi", "Zip": "95240"})]


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('Name,City\nAnn,Reno\n"Bo,Lodi\nCy,Napa\nDi,Elko\n', "row 3 (line 3)", "never closed"),
        ('Name,City\nAnn,Reno\nBo,Lodi\n"Cy"x,Napa\n', "row 4 (line 4)", "expected after"),
        ('Name,City\nAnn,"Reno\nNV"\n"Bo,Lodi\n', "row 3 (line 4)", "never closed"),
    ],
)
def test_broken_quoting_stops_with_the_row_and_line(tmp_path, text, where, what):
    table = open_table(write(tmp_path / "quotes.csv", text.encode()))
    with pytest.raises(InputError) as err:
        list(table.rows())
    assert where in str(err.value) and what in str(err.value)


def test_quotes_inside_unquoted_cells_are_fine(tmp_path):
    table = open_table(write(tmp_path / "q.csv", b'Name,City\nJohn "JJ" Smith,Reno\n'))
    assert dict(table.rows())[2]["Name"] == 'John "JJ" Smith'


NON_LATIN = {
    "shift_jis": "氏名,住所,市区町村,都道府県,郵便番号\r\n山田太郎,千代田区丸の内1-1,東京,東京都,100-0005\r\n"
                 "鈴木花子,中央区銀座4-5,東京,東京都,104-0061\r\n",
    "gb18030": "姓名,地址,城市,省,邮编\r\n张伟,朝阳区建国路88号,北京,北京,100022\r\n王芳,浦东新区世纪大道100号,上海,上海,200120\r\n",
    "cp1251": "Имя,Улица,Город,Регион,Индекс\r\nИван Петров,ул. Ленина 1,Москва,Москва,101000\r\n"
              "Мария Иванова,Невский пр. 10,Санкт-Петербург,СПб,190000\r\n",
    "euc_kr": "이름,주소,도시,도,우편번호\r\n김민수,강남구 테헤란로 123,서울,서울,06234\r\n",
}


@pytest.mark.parametrize("encoding", sorted(NON_LATIN))
def test_non_latin_legacy_encodings_are_recognised_not_mojibake(tmp_path, encoding):
    text = NON_LATIN[encoding]
    path = write(tmp_path / f"{encoding}.csv", text.encode(encoding))
    table = open_table(path)
    assert "Latin-1" not in table.info.notes[0] and "read it as" in table.info.notes[0]
    rows = list(table.rows())
    header, first = text.split("\r\n")[0].split(","), text.split("\r\n")[1].split(",")
    assert table.info.headers == header
    assert rows[0] == (2, dict(zip(header, first)))


def test_non_utf8_far_down_the_file_is_still_recognised(tmp_path):
    lines = ["Name,City"] + [f"Person {i},Boston" for i in range(20000)] + ["山田太郎,東京", "鈴木花子,大阪"]
    path = write(tmp_path / "late.csv", "\r\n".join(lines).encode("shift_jis"))
    table = open_table(path)
    assert dict(table.rows())[20002]["Name"] == "山田太郎"


def _bomb(path: Path, inflated: int) -> Path:
    """A real workbook whose shared strings inflate to ``inflated`` bytes (a zip bomb, ~1000:1)."""
    import zipfile

    make_xlsx(path, [["Name", "City"], ["Ann", "Reno"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/padding.xml", "w") as member:
            block = b" " * (1024 * 1024)
            for _ in range(inflated // len(block)):
                member.write(block)
    return path


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_reads_it(tmp_path, monkeypatch):
    import tracemalloc

    from c2m_tui.core.addresses import reader

    assert reader.MAX_XLSX_UNCOMPRESSED == 256 * 1024 * 1024
    monkeypatch.setattr(reader, "MAX_XLSX_UNCOMPRESSED", 4 * 1024 * 1024)  # a small bomb, the same rule
    path = _bomb(tmp_path / "bomb.xlsx", 8 * 1024 * 1024)
    assert path.stat().st_size < 100 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="unpacks to 8 MiB .* over the 4 MiB limit"):
            open_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
