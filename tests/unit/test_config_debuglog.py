"""debuglog.py: the --debug file never shows a password or an Authorization header."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from c2m_tui.config import debuglog


@pytest.fixture(autouse=True)
def clean():
    debuglog.forget_secrets()
    yield
    debuglog.close_debug_log()
    debuglog.forget_secrets()


def test_file_is_private_and_redacts(tmp_path):
    path = tmp_path / "debug.log"
    path.write_text("old line\n")
    os.chmod(path, 0o644)
    log = debuglog.open_debug_log(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = "Tr0ub4dor&3 x"
    token = debuglog.basic_token("alice", secret)
    debuglog.register_secret(secret)
    log.debug("request headers:\nAuthorization: Basic %s\nAccept: */*", token)
    log.debug("headers=%r", {"Authorization": f"Basic {token}", "Accept": "*/*"})
    log.debug("raw=%r", [(b"authorization", f"Basic {token}".encode())])
    log.info("password in args: %s and in url https://alice:%s@host/v1", secret, "Tr0ub4dor%263%20x")
    log.debug("<batch><username>alice</username><password>%s</password></batch>", "other-pw")
    try:
        raise RuntimeError(f"failed with {secret}")
    except RuntimeError:
        log.exception("boom")
    logging.getLogger("httpx").debug("HTTP Request: GET https://h/v1 Authorization: Basic %s", token)
    logging.getLogger("c2m_tui.debug.child").warning("child %s", secret)
    debuglog.close_debug_log()
    text = path.read_text()
    assert text.startswith("old line\n")  # appended, not truncated
    for leaked in (secret, token, "Tr0ub4dor", "other-pw"):
        assert leaked not in text
    assert text.count("***") >= 8
    assert "Accept: */*" in text  # the rest of the message is kept
    assert "RuntimeError: failed with ***" in text
    assert "child ***" in text
    assert "HTTP Request: GET https://h/v1 Authorization: ***" in text


def test_unformattable_record_does_not_leak_args(tmp_path):
    path = tmp_path / "d.log"
    log = debuglog.open_debug_log(path)
    log.debug("%s %s", "only-one-arg-secret")
    debuglog.close_debug_log()
    text = path.read_text()
    assert "only-one-arg-secret" not in text and "unformattable" in text


def test_redact_patterns():
    assert debuglog.redact("proxy-authorization: Bearer abc.def") == "proxy-authorization: ***"
    assert debuglog.redact("token Basic YWxpY2U6cHc=") == "token Basic ***"
    assert debuglog.redact("see http://bob:pw@127.0.0.1:8025/v1") == "see http://bob:***@127.0.0.1:8025/v1"
    assert debuglog.redact("nothing secret here") == "nothing secret here"
    debuglog.register_secret("")
    debuglog.register_secret(None)
    assert debuglog.redact("a b") == "a b"


def test_reopening_replaces_the_handler(tmp_path):
    first, second = tmp_path / "1.log", tmp_path / "2.log"
    debuglog.open_debug_log(first)
    log = debuglog.open_debug_log(second)
    log.debug("hello")
    debuglog.close_debug_log()
    assert "hello" not in first.read_text()
    assert "hello" in second.read_text()
