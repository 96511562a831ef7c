"""profiles.py: built-ins, profiles of your own, and production only when named."""

from __future__ import annotations

import pytest

from c2m_tui.config import paths, profiles
from c2m_tui.config.profiles import Profile
from c2m_tui.core.errors import InputError, UsageError


def test_builtins_and_default_is_demo():
    all_ = profiles.load_profiles()
    assert list(all_)[:3] == ["demo", "staging", "production"]
    assert all_["staging"].base_url == "https://stage-batch.click2mail.com/v1"
    assert all_["production"].base_url == "https://batch.click2mail.com/v1"
    assert all_["demo"].username == "demo" and all_["demo"].environment == "demo"
    assert profiles.get_profile(None).name == "demo"


def test_c2m_profile_env_chooses_and_counts_as_explicit(monkeypatch):
    monkeypatch.setenv("C2M_PROFILE", "staging")
    assert profiles.get_profile(None).name == "staging"
    monkeypatch.setenv("C2M_PROFILE", "production")
    assert profiles.get_profile(None).environment == "production"
    # the argument still wins over the environment
    assert profiles.get_profile("demo").name == "demo"


def test_hand_edited_production_default_is_refused():
    paths.config_file().write_text('default_profile = "production"\n')
    with pytest.raises(UsageError, match="cannot be the default"):
        profiles.get_profile(None)
    assert profiles.get_profile("production").name == "production"


def test_unknown_profile_says_how_to_create_it():
    with pytest.raises(UsageError, match=r"login --profile acme --base-url URL"):
        profiles.get_profile("acme")


def test_custom_profile_round_trip_and_no_password_in_file():
    saved = profiles.save_profile(Profile("acme", "https://api.acme.test/v1/", "alice", "custom"))
    assert saved == Profile("acme", "https://api.acme.test/v1", "alice", "custom", builtin=False)
    assert profiles.get_profile("acme") == saved
    text = paths.config_file().read_text()
    assert "[profiles.acme]" in text and "password" not in text.lower().split("passwords are never")[1]
    profiles.set_default_profile("acme")
    assert profiles.get_profile(None).name == "acme"


def test_builtin_keeps_only_its_username():
    profiles.save_profile(profiles.BUILTINS["staging"].with_username("bob"))
    assert profiles.get_profile("staging").username == "bob"
    assert "base_url" not in paths.config_file().read_text()
    with pytest.raises(UsageError, match="always uses"):
        profiles.save_profile(profiles.BUILTINS["production"].with_base_url("https://other.test/v1"))


def test_demo_may_move_port_but_stays_demo_only_on_loopback():
    moved = profiles.BUILTINS["demo"].with_base_url("http://127.0.0.1:9000/v1")
    assert moved.environment == "demo"
    profiles.save_profile(moved)
    assert profiles.get_profile("demo").base_url == "http://127.0.0.1:9000/v1"
    elsewhere = profiles.BUILTINS["demo"].with_base_url("https://sim.example.test/v1")
    assert elsewhere.environment == "custom"


def test_is_production_follows_the_server_not_the_name():
    assert profiles.is_production(profiles.BUILTINS["production"])
    assert not profiles.is_production(profiles.BUILTINS["staging"])
    assert profiles.is_production(profiles.BUILTINS["demo"].with_base_url("https://batch.click2mail.com/v1"))
    profiles.save_profile(Profile("live", "https://batch.click2mail.com/v1", "x", "custom"))
    assert profiles.is_production("live")
    assert profiles.is_production("production")
    assert not profiles.is_production("demo")


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("ftp://x.test/v1", "invalid base URL"),
        ("http://example.com/v1", "plain-http"),
        ("https://u:p@example.com/v1", "must not contain"),
        ("https://example.com/v1?x=1", "no '?'"),
        ("https://example.com:99999/v1", "bad port"),
        ("", "invalid base URL"),
    ],
)
def test_bad_base_urls_refused(url, fragment):
    with pytest.raises(UsageError, match=fragment):
        profiles.normalize_base_url(url)


@pytest.mark.parametrize("name", ["", "a b", "-x", "x\n", "a/b", "x" * 65])
def test_bad_profile_names_refused(name):
    with pytest.raises(UsageError, match="invalid profile name"):
        profiles.check_profile_name(name)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[profiles.acme]\nusername = \"a\"\n", "base_url is missing"),
        ("[profiles.staging]\nbase_url = \"https://evil.test/v1\"\n", "fixed"),
        ("profiles = 3\n", "must be a table"),
        ("[profiles.acme]\nbase_url = 3\n", "base_url must be a string"),
        ("[profiles.acme]\nbase_url = \"http://evil.test/v1\"\n", "plain-http"),
    ],
)
def test_bad_config_entries_name_the_file(text, fragment):
    paths.config_file().write_text(text)
    with pytest.raises(InputError, match=fragment) as info:
        profiles.load_profiles()
    assert str(paths.config_file()) in str(info.value)


@pytest.mark.parametrize("url,environment", [
    ("https://batch.click2mail.com/v1", "production"),
    ("https://batch.click2mail.com./v1", "production"),  # trailing dot: the same host to DNS
    ("https://BATCH.Click2Mail.COM/v1", "production"),
    ("https://batch.click2mail.com:443/v1/", "production"),
    ("https://batch.click2mail.com..:8443/other/path", "production"),
    ("  https://batch.click2mail.com./  ", "production"),
    ("https://Stage-Batch.click2mail.com./v1", "staging"),
    ("https://stage-batch.click2mail.com:443", "staging"),
    ("https://batch.click2mail.com.evil.test/v1", "custom"),
    ("https://notbatch.click2mail.com/v1", "custom"),
    ("http://127.0.0.1:8025/v1", "custom"),
    ("not a url", "custom"),
])
def test_classify_by_host_whatever_its_spelling(url, environment):
    assert profiles.classify(url) == environment


def test_a_trailing_dot_production_url_is_production_everywhere():
    saved = profiles.save_profile(Profile("live", "https://batch.click2mail.com./v1", "bob", "custom"))
    assert saved.environment == "production" and profiles.is_production("live")
    with pytest.raises(UsageError, match="cannot be the default"):
        profiles.set_default_profile("live")
    assert profiles.BUILTINS["demo"].with_base_url("https://Batch.Click2mail.com.:443/v1").environment == "production"


def test_profiles_and_settings_do_not_import_each_other():
    import ast
    import inspect

    from c2m_tui.config import settings

    for module, other in ((profiles, "settings"), (settings, "profiles")):
        tree = ast.parse(inspect.getsource(module))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                 for alias in node.names}
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert other not in names and f"c2m_tui.config.{other}" not in modules, module.__name__
