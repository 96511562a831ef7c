"""debuglog.py: the --debug file never shows a password or an Authorization header."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from urllib.parse import quote, quote_plus

import pytest

from c2m_tui.config import debuglog
from c2m_tui.core.errors import InputError


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


def test_every_spelling_of_the_password_is_masked():
    secret = 'pä ss"w\\rd/+='
    debuglog.register_secret(secret)
    token = debuglog.basic_token("alice", secret)
    urlsafe = base64.urlsafe_b64encode(f"alice:{secret}".encode()).decode().rstrip("=")
    forms = [
        token,  # bare base64 of user:password, no "Basic" in front
        urlsafe,
        json.dumps({"pw": secret})[8:-2],  # JSON-escaped, \\u00e4
        json.dumps({"pw": secret}, ensure_ascii=False)[8:-2],
        repr(secret.encode())[2:-1],  # bytes repr: p\\xc3\\xa4
        repr(secret)[1:-1],
        quote(secret, safe="").lower(),  # lowercase %-encoding
        quote_plus(secret).lower(),
    ]
    for form in forms:
        line = debuglog.redact(f"x {form} y")
        assert line == f"x {debuglog.MASK} y", (form, line)
    assert debuglog.redact("an ordinary base64 aGVsbG8gd29ybGQ= stays") == "an ordinary base64 aGVsbG8gd29ybGQ= stays"


def test_the_debug_log_never_follows_a_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    victim.chmod(0o644)
    link = tmp_path / "debug.log"
    link.symlink_to(victim)
    with pytest.raises(InputError, match="is a symbolic link"):
        debuglog.open_debug_log(link)
    assert victim.read_text() == "keep me\n" and stat.S_IMODE(victim.stat().st_mode) == 0o644
    plain = tmp_path / "plain.log"
    plain.write_text("")
    plain.chmod(0o644)
    debuglog.open_debug_log(plain)
    debuglog.close_debug_log()
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.log"
    debuglog.open_debug_log(fresh)
    debuglog.close_debug_log()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_symlink_to_a_pipe_is_still_a_fine_debug_log(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    link = tmp_path / "stderr"
    link.symlink_to(fifo)
    try:
        log = debuglog.open_debug_log(link)
        log.debug("hello")
        debuglog.close_debug_log()
        assert b"hello" in os.read(reader, 65536)
    finally:
        os.close(reader)
