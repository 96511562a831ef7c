"""paths.py: everything under C2M_TUI_HOME when set, else the platform's user directories."""

from __future__ import annotations

import stat

from c2m_tui.config import paths


def test_everything_under_app_home(app_home):
    assert paths.app_home() == app_home
    for func, sub in ((paths.config_dir, "config"), (paths.data_dir, "data"),
                      (paths.state_dir, "state"), (paths.cache_dir, "cache")):
        d = func()
        assert d == app_home / sub
        assert d.is_dir()
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert paths.config_file() == app_home / "config" / "config.toml"


def test_platform_dirs_without_app_home(monkeypatch, tmp_path):
    monkeypatch.delenv("C2M_TUI_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    assert paths.app_home() is None
    assert paths.config_dir() == tmp_path / "xdg-config" / "c2m-tui"
    assert paths.data_dir() == tmp_path / "xdg-data" / "c2m-tui"
    assert paths.state_dir() == tmp_path / "xdg-state" / "c2m-tui"
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "c2m-tui"
    assert (tmp_path / "xdg-config" / "c2m-tui").is_dir()


def test_blank_app_home_means_unset(monkeypatch):
    monkeypatch.setenv("C2M_TUI_HOME", "  ")
    assert paths.app_home() is None
