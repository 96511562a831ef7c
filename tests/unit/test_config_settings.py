"""settings.py and the TOML writer: round trips, refusals, broken files, concurrent writers."""

from __future__ import annotations

import stat
import threading
import tomllib

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from c2m_tui.config import paths, profiles, settings
from c2m_tui.config.tomlfile import dumps, read_toml
from c2m_tui.core.errors import InputError, UsageError


def test_update_and_load_settings():
    assert settings.load_settings() == {}
    settings.update_settings(theme="c2m-dark")
    profiles.set_default_profile("staging")
    assert settings.load_settings() == {"theme": "c2m-dark", "default_profile": "staging"}
    settings.update_settings(theme=None)
    assert settings.load_settings() == {"default_profile": "staging"}
    mode = stat.S_IMODE(paths.config_file().stat().st_mode)
    assert mode == 0o600
    # atomic writes leave no temporary files behind
    assert sorted(p.name for p in paths.config_dir().iterdir()) == [".config.lock", "config.toml"]


def test_settings_and_profiles_share_the_file_without_losing_each_other():
    profiles.save_profile(profiles.Profile("mine", "https://example.com/v1", "bob", "custom"))
    settings.update_settings(theme="c2m-light")
    assert profiles.load_profiles()["mine"].username == "bob"
    assert "profiles" not in settings.load_settings()
    with pytest.raises(UsageError):
        settings.update_settings(profiles={})


def test_production_is_never_the_default():
    with pytest.raises(UsageError, match="production"):
        profiles.set_default_profile("production")
    with pytest.raises(UsageError, match="set_default_profile"):  # no way around the rule
        settings.update_settings(default_profile="staging")
    # a profile of your own that points at the production server is production too
    profiles.save_profile(profiles.Profile("live", profiles.PRODUCTION_BASE_URL + "/", "bob", "custom"))
    with pytest.raises(UsageError, match="live"):
        profiles.set_default_profile("live")
    assert "default_profile" not in settings.load_settings()


def test_unknown_default_profile_refused():
    with pytest.raises(UsageError, match="no such profile"):
        profiles.set_default_profile("nope")


def test_broken_toml_names_file_and_line():
    f = paths.config_file()
    f.write_text('theme = "x"\ndefault_profile = \n')
    with pytest.raises(InputError) as info:
        settings.load_settings()
    msg = str(info.value)
    assert str(f) in msg and "line 2" in msg


def test_non_utf8_config_is_an_input_error():
    paths.config_file().write_bytes(b'theme = "\xff"\n')
    with pytest.raises(InputError, match="UTF-8"):
        settings.load_settings()


def test_concurrent_updates_are_all_kept():
    def worker(i: int) -> None:
        settings.update_settings(**{f"k{i}": i})

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert settings.load_settings() == {f"k{i}": i for i in range(16)}


scalars = st.one_of(
    st.text(max_size=30),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.text(max_size=10), max_size=4),
)
keys = st.text(min_size=1, max_size=12)


@hsettings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, scalars, max_size=5), st.dictionaries(keys, st.dictionaries(keys, scalars, max_size=4), max_size=3))
def test_writer_round_trips_through_tomllib(top, tables):
    doc = {**top, "profiles": tables}
    doc = {k: v for k, v in doc.items() if not (k in top and k == "profiles")}
    assert tomllib.loads(dumps(doc, "a header\nwith two lines")) == doc


def test_read_missing_file_is_empty(tmp_path):
    assert read_toml(tmp_path / "nope.toml") == {}


def test_graphics_setting():
    assert settings.graphics_setting() == ("auto", None)  # no file
    settings.update_settings(preview={"graphics": "Sixel"})
    assert settings.graphics_setting() == ("sixel", None)
    settings.update_settings(preview={"graphics": "iterm2"})
    value, problem = settings.graphics_setting()
    assert value == "auto" and "graphics = 'iterm2' is not one of auto, kitty, sixel, halfblock" in problem
    settings.update_settings(preview="kitty")
    assert settings.graphics_setting() == ("auto", "[preview] in config.toml is not a table; graphics = auto")
    settings.update_settings(preview={})
    assert settings.graphics_setting() == ("auto", None)
    paths.config_file().write_text("[preview\n", encoding="utf-8")
    value, problem = settings.graphics_setting()
    assert value == "auto" and problem.startswith("[preview] not read:")
