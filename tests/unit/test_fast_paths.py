"""The speed-ups of issue 18's second round say and do exactly what the slow paths did: the journal's
sliced JSON, the collector held off for bulk objects, the PDF hashed in a thread, the one
sub-command's parser."""

from __future__ import annotations

import gc
import hashlib
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from c2m_tui.core.errors import InputError
from c2m_tui.core.filehash import PdfHash
from c2m_tui.core.gcquiet import bulk_objects, release
from c2m_tui.core.journal import codec

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _values | st.lists(_values, min_size=0, max_size=12), max_size=5))
def test_sliced_json_is_json(obj):
    old = codec._SLICE
    codec._SLICE = 3  # small slices, so the examples' lists are cut
    try:
        text = codec.dumps_in_pieces(obj)
        assert text == json.dumps(obj)
        assert codec.loads_in_pieces(text) == obj
        assert codec.loads_in_pieces(json.dumps(obj, indent=2)) == obj
    finally:
        codec._SLICE = old


def test_sliced_reader_leaves_what_it_does_not_expect_to_json():
    assert codec.loads_in_pieces("[1, 2]") == [1, 2]
    for bad in ('{"a": [1, 2,]}', '{"a": 1} x', '{"a" 1}'):
        with pytest.raises(ValueError):
            codec.loads_in_pieces(bad)


def test_bulk_objects_holds_the_collector_off_and_gives_it_back():
    assert gc.isenabled()
    with bulk_objects():
        assert not gc.isenabled()
        with bulk_objects():  # a second worker building at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    release()
    assert gc.get_freeze_count() == 0


def test_pdf_hash_in_a_thread_is_the_file_hash(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(os.urandom(3 << 20) + b"tail")
    sha, size, stat = PdfHash(pdf).result()
    assert sha == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert size == pdf.stat().st_size
    assert stat is not None  # untouched while hashed: it vouches for the file


def test_pdf_hash_refuses_a_fifo_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="named pipe"):
        PdfHash(fifo).result()


@pytest.mark.parametrize("argv, word", [
    (["status", "1"], "status"),
    (["--profile", "demo", "--demo", "send", "--pdf", "x"], "send"),
    (["--base-url=http://127.0.0.1:1/v1", "tracking", "1"], "tracking"),
    (["--help"], None), (["--version"], None), (["--prof", "x", "status"], None),
    (["bogus"], None), ([], None),
])
def test_only_the_named_command_is_built(argv, word):
    from c2m_tui.cli import _command_word, build_parser

    assert _command_word(argv) == word
    if word is not None:
        args = build_parser(only=word).parse_args(argv) if "--pdf" not in argv else None
        assert args is None or args.command == word
