"""print_json's fast encoder writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from c2m_tui.commands._common import dumps_indented

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_the_same_text_as_json_dumps(value):
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_what_json_itself_converts_is_left_to_json():
    for value in ({1: "a"}, {"t": (1, 2)}, [float("nan"), float("inf")], {"k": None}):
        assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
