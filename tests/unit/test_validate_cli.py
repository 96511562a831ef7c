"""``c2m-tui validate``: human and JSON output, exit codes, one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from c2m_tui.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "real-world"
SHELL = SAMPLES / "click2mail-shell-batch-request-letter.xml"
BTB = SAMPLES / "btb-correct_xml.xml"


def test_human_output_on_the_shell_sample(capsys):
    assert main(["validate", str(SHELL)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f'{SHELL}:94: job 2, recipient 2, state: "D.C." is not a USPS state code (did you mean "DC"?) [warning]' in out
    assert out[-1] == f"{SHELL}: valid: 5 jobs, 10 pieces, 20 pages to print; 0 errors, 3 warnings"


def test_json_output_is_exactly_the_agreed_shape(capsys):
    assert main(["validate", str(BTB), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"valid", "errors", "warnings"} and out["valid"] is False
    mail = [w for w in out["errors"] if w["field"] == "mailClass"]
    assert mail == [{"line": 88, "job": 3, "recipient": None, "field": "mailClass",
                     "message": '"FirstClass" is not in the product catalog (did you mean "First Class"?)',
                     "suggestion": "First Class"}]


def test_allow_unknown_options_turns_the_unknown_value_into_a_warning(capsys):
    assert main(["validate", str(BTB), "--json", "--allow-unknown-options"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True
    mail = [w for w in out["warnings"] if w["field"] == "mailClass"]
    assert mail == [{"line": 88, "job": 3, "recipient": None, "field": "mailClass",
                     "message": '"FirstClass" is not in the product catalog (did you mean "First Class"?)',
                     "suggestion": "First Class"}]


def test_invalid_batch_exits_1(tmp_path, capsys, pdf_factory):
    assert main(["validate", str(SHELL), "--pdf", str(pdf_factory(4))]) == 1
    out = capsys.readouterr().out
    assert "beyond the PDF, which has 4 pages [error]" in out
    assert "INVALID" in out.splitlines()[-1] and "(PDF: 4 pages)" in out


@pytest.mark.parametrize("make,match", [
    (lambda p: p / "missing.xml", "missing.xml: no such file"),
    (lambda p: (p / "bad.xml", (p / "bad.xml").write_text("<batch>\n<job>"))[0], "bad.xml: line 2: malformed XML"),
])
def test_unreadable_xml_is_one_line_exit_1(tmp_path, capsys, make, match):
    path = make(tmp_path)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert match in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("content,match", [(b"", "empty"), (b"not a pdf", "not a PDF")])
def test_bad_pdf_is_one_line_exit_1(tmp_path, capsys, content, match):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(content)
    assert main(["validate", str(SHELL), "--pdf", str(pdf)]) == 1
    err = capsys.readouterr().err
    assert match in err and len(err.strip().splitlines()) == 1


def test_unreadable_input_in_json_mode_is_still_json(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "none.xml"), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is False and "no such file" in out["errors"][0]["message"]


def test_usage_error_exits_2_in_a_real_process():
    proc = subprocess.run([sys.executable, "-m", "c2m_tui", "validate"], capture_output=True, text=True)
    assert proc.returncode == 2 and "BATCH.xml" in proc.stderr


def test_real_process_validates_and_does_not_import_textual():
    code = ("import sys; from c2m_tui.cli import main; rc = main(['validate', %r]); "
            "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)") % str(BTB)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr  # "FirstClass" is outside the catalog
    assert "FirstClass" in proc.stdout and "--allow-unknown-options" in proc.stdout
