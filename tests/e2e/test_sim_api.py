"""The simulator's /v1 calls on a real loopback port: answer bytes, status codes, auth, ownership.

The helpers at the top (``Api``, ``batch_xml``, ``wait_for``) are shared by the other
``test_sim_*`` files.
"""

from __future__ import annotations

import re
import time
from xml.sax.saxutils import escape

import httpx
import pytest
from lxml import etree

from tests.conftest import make_pdf, start_sim

OPTIONS = {
    "documentClass": "Letter 8.5 x 11",
    "layout": "Address on Separate Page",
    "productionTime": "Next Day",
    "envelope": "#10 Double Window",
    "color": "Black and White",
    "paperType": "White 24#",
    "printOption": "Printing One side",
    "mailClass": "First Class",
}
CITIES = [("Arlington", "VA", "22201"), ("Denver", "CO", "80202-1234"), ("Boston", "MA", "02108")]


def batch_xml(*jobs: tuple, filename: str = "letters.pdf") -> bytes:
    """A batch XML: each job is ``(starting_page, ending_page, recipients[, option overrides])``."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<batch>\n', f"  <filename>{escape(filename)}</filename>\n"]
    for job in jobs:
        start, end, recipients = job[:3]
        options = {**OPTIONS, **(job[3] if len(job) > 3 else {})}
        out.append(f"  <job>\n    <startingPage>{start}</startingPage>\n    <endingPage>{end}</endingPage>\n")
        out.append("    <printProductionOptions>\n")
        out += [f"      <{k}>{escape(v)}</{k}>\n" for k, v in options.items()]
        out.append("    </printProductionOptions>\n    <recipients>\n")
        for i in range(recipients):
            city, state, zip_code = CITIES[i % len(CITIES)]
            out.append(
                f"      <address><name>Person {i}</name><organization></organization>"
                f"<address1>{i} Main St</address1><address2></address2><address3></address3>"
                f"<city>{city}</city><state>{state}</state><postalCode>{zip_code}</postalCode>"
                "<country>US</country></address>\n"
            )
        out.append("    </recipients>\n  </job>\n")
    out.append("</batch>\n")
    return "".join(out).encode()


class Api:
    """The Batch API over one keep-alive connection, as ``httpx`` sees it (no client library)."""

    def __init__(self, sim, user: str = "demo", password: str = "demo") -> None:
        self.sim = sim
        self.http = httpx.Client(base_url=sim.base_url, auth=(user, password), timeout=10)

    def create(self) -> str:
        r = self.http.post("/batches")
        assert r.status_code == 201, r.text
        return etree.fromstring(r.content).findtext("id")

    def put(self, bid: str, body: bytes, content_type: str) -> httpx.Response:
        return self.http.put(f"/batches/{bid}", content=body, headers={"content-type": content_type})

    def ready(self, pdf_pages: int, xml: bytes, tmp_path) -> str:
        """A created batch with its PDF and XML uploaded, not yet submitted."""
        bid = self.create()
        pdf = make_pdf(tmp_path / f"{bid}.pdf", pdf_pages)
        assert self.put(bid, pdf.read_bytes(), "application/pdf").status_code == 200
        assert self.put(bid, xml, "application/xml").status_code == 200
        return bid

    def submit(self, bid: str) -> httpx.Response:
        return self.http.post(f"/batches/{bid}")

    def status(self, bid: str):
        r = self.http.get(f"/batches/{bid}")
        assert r.status_code == 201, r.text
        return etree.fromstring(r.content)

    def sim_state(self) -> dict:
        """``GET /__sim__/state`` over this client's connection (a new httpx client costs ~50 ms)."""
        return self.http.get(f"{self.sim.root}/__sim__/state").json()

    def state(self, bid: str) -> dict:
        return next(b for b in self.sim_state()["batches"] if b["id"] == bid)


def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value is not None and value is not False:
            return value
        time.sleep(0.03)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def shared_sim():
    """One fast simulator for the tests here that only look at their own batches; it answers
    tracking calls like staging (never any data)."""
    server = start_sim("--queue-seconds", "0.05", "--job-seconds", "0.05", "--tracking", "none", "--quiet")
    yield server
    server.stop()


CREATE_ANSWER = re.compile(
    rb'<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?>\n'
    rb"<batchjob>\n"
    rb"    <createdAt>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00</createdAt>\n"
    rb"    <errorMessage></errorMessage>\n"
    rb"    <hasErrors>false</hasErrors>\n"
    rb"    <id>(\d+)</id>\n"
    rb"    <received>false</received>\n"
    rb"    <submitted>false</submitted>\n"
    rb"</batchjob>\n"
)


def test_create_answer_is_byte_exact_and_parses_like_the_official_shell_script(shared_sim):
    r = httpx.post(f"{shared_sim.base_url}/batches", auth=("demo", "demo"))
    assert r.status_code == 201
    assert r.headers["content-type"] == "application/xml"
    match = CREATE_ANSWER.fullmatch(r.content)
    assert match, r.content
    # test-batch.sh: replace "<" by spaces, take the 12th word, drop "id>"
    assert r.text.replace("<", " ").split()[11][3:] == match.group(1).decode()
    # a second batch gets a different id
    again = CREATE_ANSWER.fullmatch(httpx.post(f"{shared_sim.base_url}/batches", auth=("demo", "demo")).content)
    assert again and again.group(1) != match.group(1)


def test_status_codes_and_empty_bodies_of_a_whole_flow(shared_sim, tmp_path):
    api = Api(shared_sim)
    bid = api.create()
    pdf = make_pdf(tmp_path / "a.pdf", 2)
    for body, ctype in ((pdf.read_bytes(), "application/pdf"), (batch_xml((1, 2, 1)), "application/xml; charset=UTF-8")):
        r = api.put(bid, body, ctype)
        assert (r.status_code, r.content) == (200, b"")
    r = api.submit(bid)
    assert (r.status_code, r.content) == (200, b"")
    r = api.http.get(f"/batches/{bid}")
    assert r.status_code == 201 and r.headers["content-type"] == "application/xml"
    root = etree.fromstring(r.content)
    assert (root.findtext("submitted"), root.findtext("id")) == ("true", bid)
    r = api.http.get(f"/batches/{bid}/details")
    assert r.status_code == 201 and etree.fromstring(r.content).findtext("batchNumber") == bid
    r = api.http.get(f"/batches/{bid}/tracking", params={"trackingType": "IMB"})
    assert r.status_code == 200
    state = api.state(bid)
    assert (state["pdf_bytes"], state["xml_bytes"], state["submit_count"]) == (
        pdf.stat().st_size,
        len(batch_xml((1, 2, 1))),
        1,
    )


def test_bad_or_missing_credentials_get_401_with_a_basic_challenge(shared_sim):
    url = f"{shared_sim.base_url}/batches"
    before = len(shared_sim.state()["batches"])
    http = httpx.Client(timeout=10)
    attempts = [
        http.post(url),
        http.post(url, auth=("demo", "wrong")),
        http.post(url, auth=("nobody", "demo")),
        http.post(url, headers={"authorization": "Basic not-base64!"}),
        http.post(url, headers={"authorization": "Bearer abc"}),
        http.get(f"{url}/1"),
        http.put(f"{url}/1", content=b"%PDF", headers={"content-type": "application/pdf"}),
    ]
    for r in attempts:
        assert r.status_code == 401, r.request
        assert r.headers["www-authenticate"] == 'Basic realm="Click2Mail Batch API"'
    assert len(shared_sim.state()["batches"]) == before


def assert_cloudflare_block(r: httpx.Response) -> None:
    """The shape of Cloudflare's WAF block: 403, an HTML page from ``server: cloudflare`` with a Ray ID."""
    assert r.status_code == 403
    assert r.headers["content-type"] == "text/html; charset=UTF-8"
    assert r.headers["server"] == "cloudflare"
    assert re.fullmatch(r"[0-9a-f]{16}-[A-Z]{3}", r.headers["cf-ray"])
    assert "<title>Attention Required! | Cloudflare</title>" in r.text
    assert "Sorry, you have been blocked" in r.text
    assert f"Cloudflare Ray ID: <strong>{r.headers['cf-ray']}</strong>" in r.text
    assert "application/pdf" in r.text  # the simulator's hint: what to send instead


def test_multipart_upload_is_refused_with_403_like_cloudflare(shared_sim, tmp_path):
    api = Api(shared_sim)
    bid = api.create()
    pdf = make_pdf(tmp_path / "a.pdf", 1)
    r = api.http.put(f"/batches/{bid}", files={"file": ("a.pdf", pdf.read_bytes(), "application/pdf")})
    assert_cloudflare_block(r)
    assert api.state(bid)["pdf_bytes"] == 0


def test_a_multipart_body_labelled_application_pdf_is_refused_too(shared_sim, tmp_path):
    """Click2Mail's Python SDK before commit 941defa: requests' files= plus an explicit
    Content-Type: application/pdf header. The commit says Click2Mail answered with a Cloudflare 403."""
    api = Api(shared_sim)
    bid = api.create()
    pdf = make_pdf(tmp_path / "a.pdf", 1).read_bytes()
    boundary = "8c1d3a3f0e6b4d2a9f7e5c3b1a0d9e8f"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'.encode()
            + pdf + f"\r\n--{boundary}--\r\n".encode())
    for ctype in ("application/pdf", "application/xml", ""):
        assert_cloudflare_block(api.put(bid, body, ctype))
    # Cloudflare stands in front of the login: no credentials still get the 403, not a 401
    anonymous = httpx.put(f"{shared_sim.base_url}/batches/{bid}", content=body,
                          headers={"content-type": "application/pdf"})
    assert_cloudflare_block(anonymous)
    assert api.state(bid)["pdf_bytes"] == 0
    # the raw PDF on the same connection goes through, and a body merely starting with "--" does too
    assert api.put(bid, pdf, "application/pdf").status_code == 200
    assert api.state(bid)["pdf_bytes"] == len(pdf)
    assert api.put(bid, b"--not a form\r\nX: y\r\n\r\n", "application/pdf").status_code == 200


def test_other_content_types_get_415(shared_sim):
    api = Api(shared_sim)
    bid = api.create()
    for ctype in ("text/plain", "text/xml", "application/octet-stream", ""):
        r = api.put(bid, b"<batch/>", ctype)
        assert r.status_code == 415, ctype
        assert "application/pdf" in r.text and "application/xml" in r.text
    assert api.state(bid)["xml_bytes"] == 0


def test_unknown_batches_are_404(shared_sim):
    api = Api(shared_sim)
    for path in ("/batches/999999999", "/batches/abc", "/batches/1/details", "/batches/1/tracking?trackingType=IMB"):
        r = api.http.get(path)
        assert r.status_code == 404, path
        assert "not found" in r.text
    assert api.submit("999999998").status_code == 404
    assert api.put("999999998", b"%PDF-1.4", "application/pdf").status_code == 404


def test_another_users_batch_is_404(sim_factory):
    sim = sim_factory("--user", "alice:secret-a", "--user", "bob:secret-b")
    alice, bob = Api(sim, "alice", "secret-a"), Api(sim, "bob", "secret-b")
    bid = alice.create()
    assert bob.http.get(f"/batches/{bid}").status_code == 404
    assert bob.http.get(f"/batches/{bid}/details").status_code == 404
    assert bob.put(bid, b"<batch/>", "application/xml").status_code == 404
    assert bob.submit(bid).status_code == 404
    assert alice.state(bid)["xml_bytes"] == 0 and alice.state(bid)["submit_count"] == 0
    assert alice.http.get(f"/batches/{bid}").status_code == 201
    # the default demo account exists only when no --user is given
    assert httpx.post(f"{sim.base_url}/batches", auth=("demo", "demo")).status_code == 401


def test_accounts_can_come_from_the_environment_instead_of_the_process_list(sim_factory):
    sim = sim_factory("--quiet", env={"C2M_SIM_USERS": "carol:pa ss:word\n\ndave:x\n"})
    assert Api(sim, "carol", "pa ss:word").create()
    assert Api(sim, "dave", "x").create()
    assert httpx.post(f"{sim.base_url}/batches", auth=("demo", "demo")).status_code == 401


def test_after_submit_uploads_and_a_second_submit_are_400_and_never_requeue(shared_sim, tmp_path):
    api = Api(shared_sim)
    bid = api.ready(2, batch_xml((1, 2, 1)), tmp_path)
    assert api.submit(bid).status_code == 200
    second = api.submit(bid)
    assert second.status_code == 400 and "already been submitted" in second.text
    late = api.put(bid, b"%PDF-1.4", "application/pdf")
    assert late.status_code == 400 and "already been submitted" in late.text
    state = api.state(bid)
    assert state["submit_count"] == 2
    assert state["pdf_bytes"] != len(b"%PDF-1.4")
    wait_for(lambda: api.state(bid)["received"], what="intake")
    # had the second submit queued the batch again, the next batch would be third in line
    other = api.ready(2, batch_xml((1, 2, 1)), tmp_path)
    api.submit(other)
    wait_for(lambda: api.state(other)["received"], what="intake of the next batch")
    assert api.state(other)["processed_seq"] == api.state(bid)["processed_seq"] + 1


def test_a_reupload_before_submit_replaces_the_file(shared_sim):
    api = Api(shared_sim)
    bid = api.create()
    assert api.put(bid, b"%PDF-1.4 first", "application/pdf").status_code == 200
    assert api.put(bid, b"%PDF-1.4 second, longer", "application/pdf").status_code == 200
    assert api.state(bid)["pdf_bytes"] == len(b"%PDF-1.4 second, longer")


def test_tracking_type_is_case_insensitive_and_checked(shared_sim):
    api = Api(shared_sim)
    bid = api.create()
    for value in ("IMB", "imb", "Impb"):
        assert api.http.get(f"/batches/{bid}/tracking", params={"trackingType": value}).status_code == 200
    for params in ({"trackingType": "UPS"}, {}):
        r = api.http.get(f"/batches/{bid}/tracking", params=params)
        assert r.status_code == 400 and "IMB or IMPB" in r.text


def test_tracking_none_never_has_data_like_staging(shared_sim, tmp_path):
    api = Api(shared_sim)
    bid = api.ready(1, batch_xml((1, 1, 2)), tmp_path)
    api.submit(bid)
    wait_for(lambda: api.status(bid).findtext("completedAt"), what="all jobs mailed")
    r = api.http.get(f"/batches/{bid}/tracking", params={"trackingType": "IMB"})
    assert (r.status_code, r.headers["content-type"], r.text) == (
        200,
        "text/plain; charset=utf-8",
        "Tracking data not available for this batch.",
    )
