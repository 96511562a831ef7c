"""The simulator's REST ("molpro") calls, reference §9.2, served under ``/molpro`` on the same port.

Only the calls that work on a batch's jobs: ``GET /costEstimate``, ``GET /jobs/{id}/cost``, ``GET
/credit``, ``POST /addressCorrection``, ``POST /jobs/{id}/proof`` and ``GET
/jobs/{id}/proof/{proofId}``, ``POST /jobs/{id}/cancel`` and ``GET /jobs/{id}``. The job ids are the
ones a batch's status lists (the C# SDK's ``batch_cost.cs`` uses them so). Auth is the GateLayer's
HTTP Basic, as for /v1; /molpro calls are not counted as /v1 connections and random faults do not
touch them (``POST /__sim__/molpro`` gives a canned answer instead, see ``sim_molpro``).

Answer shapes: where §9.2 has a source the element names follow it; everything marked
[INFERRED] is a guess, because Click2Mail documents no body for it.

PRICE TABLE (the simulator's own, not Click2Mail's prices; every figure in US dollars). One piece of
a job costs::

    BASE[documentClass]                      (a document class not listed: BASE_OTHER)
  + pages * PAGE[color]                      (a colour not listed: the Black and White price)
          * DUPLEX_FACTOR if printOption is "Printing both sides"
  + POSTAGE[mailClass] for a domestic piece  (a mail class not listed: POSTAGE_OTHER)
    or INTERNATIONAL_POSTAGE for a piece whose country is neither blank nor the US

and a group's subtotal is the sum over its pieces, rounded to the cent (half up) once per group.
"""

from __future__ import annotations

import io
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

CENT = Decimal("0.01")
BASE = {
    "Letter 8.5 x 11": Decimal("0.55"),
    "Letter 8.5 x 14": Decimal("0.65"),
    "Certified Letter 8.5 x 11": Decimal("7.50"),
    "Postcard 4.25 x 6": Decimal("0.25"),
    "Postcard 6 x 11": Decimal("0.40"),
}
BASE_OTHER = Decimal("0.75")
PAGE = {"Black and White": Decimal("0.10"), "Full Color": Decimal("0.35")}
DUPLEX_FACTOR = Decimal("0.80")
POSTAGE = {"First Class": Decimal("0.64"), "Standard": Decimal("0.41"), "First Class Stamps": Decimal("0.73")}
POSTAGE_OTHER = Decimal("0.70")
INTERNATIONAL_POSTAGE = Decimal("1.65")
DEFAULT_CREDIT = Decimal("10000.00")  # "generous": a demo never runs out
MAX_ADDRESSES = 100  # per addressCorrection call (third party: "up to about 100")
CANCELLABLE = ("ORDER_SUBMITTED", "AWAITING_PRODUCTION")  # before production only
XML = "application/xml"


def is_international(country: str | None) -> bool:
    from c2m_tui.core.pricing import is_international as core_rule  # one rule for client and simulator

    return core_rule(country or "")


def unit_price(options: dict[str, str | None], pages: int, international: bool) -> Decimal:
    """One piece, before rounding (see the price table above)."""
    page = PAGE.get((options.get("color") or "").strip(), PAGE["Black and White"])
    if (options.get("printOption") or "").strip() == "Printing both sides":
        page *= DUPLEX_FACTOR
    postage = INTERNATIONAL_POSTAGE if international else POSTAGE.get((options.get("mailClass") or "").strip(),
                                                                        POSTAGE_OTHER)
    return BASE.get((options.get("documentClass") or "").strip(), BASE_OTHER) + pages * page + postage


def group_price(options: dict[str, str | None], pages: int, quantity: int, international: int) -> Decimal:
    """A group's subtotal: ``quantity`` domestic and ``international`` international pieces, to the cent."""
    total = quantity * unit_price(options, pages, False) + international * unit_price(options, pages, True)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Ledger:
    """Each user's credit balance; charges are taken when a batch is received, refunds on cancel."""

    start: Decimal = DEFAULT_CREDIT
    allow_negative: bool = False
    balances: dict[str, Decimal] = field(default_factory=dict)

    def balance(self, user: str) -> Decimal:
        return self.balances.get(user, self.start)

    def charge(self, user: str, amount: Decimal) -> bool:
        """Take ``amount``; False (nothing taken) when it is above the balance and may not go negative."""
        if amount > self.balance(user) and not self.allow_negative:
            return False
        self.balances[user] = self.balance(user) - amount
        return True

    def refund(self, user: str, amount: Decimal) -> None:
        self.balances[user] = self.balance(user) + amount


# --------------------------------------------------------------------------- answers


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def _xml(root: str, *children: str, status: int = 200) -> Response:
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{"".join(children)}</{root}>\n'
    return Response(body, status_code=status, media_type=XML)


def _error(status: int, description: str, root: str = "job") -> Response:
    """An error in the REST KB's shape: ``<status>9</status><description>`` with HTTP 400/404/500."""
    return _xml(root, _el("status", 9), _el("description", description), status=status)


def _user(request: Request) -> str:
    from c2m_tui.sim.layers import USER_KEY

    return request.scope[USER_KEY]


def _find_job(request: Request):
    """(batch, job) of the caller for ``{job_id}``, or (None, None)."""
    sim = request.app.state.sim
    text = request.path_params["job_id"]
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None, None
    job_id = int(text)
    for batch in sim.store.batches.values():
        if batch.owner != _user(request):
            continue
        for job in batch.jobs:
            if job.job_id == job_id:
                return batch, job
    return None, None


def _no_job(request: Request) -> Response:
    return _error(404, f"Job {request.path_params['job_id'][:40]} not found.")


async def cost_estimate(request: Request) -> Response:
    """``GET /costEstimate`` → ``<costEstimate>`` with ``<subtotal>`` [INFERRED: §9.2 says the body is
    not documented; a third-party Java client reads ``//subtotal``; the per-kind blocks copy the
    job-cost detail shape]."""
    q = request.query_params
    options = {name: q.get(name) for name in
               ("documentClass", "layout", "productionTime", "envelope", "color", "paperType", "printOption",
                "mailClass")}
    numbers = {}
    for name in ("quantity", "internationalQuantity", "numberOfPages", "nonStandardQuantity"):
        raw = q.get(name, "0") or "0"
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            return _error(400, f"{name} must be a whole number, not {raw[:20]!r}.", "costEstimate")
        numbers[name] = int(raw)
    if not options["documentClass"]:
        return _error(400, "documentClass is required.", "costEstimate")
    if numbers["numberOfPages"] < 1:
        return _error(400, "numberOfPages must be 1 or more.", "costEstimate")
    pages, domestic, abroad = numbers["numberOfPages"], numbers["quantity"], numbers["internationalQuantity"]
    subtotal = group_price(options, pages, domestic, abroad)
    return _xml("costEstimate", _cost_detail(options, pages, domestic, abroad), _el("subtotal", subtotal),
                _el("status", 0), _el("description", "Success"))


def _cost_detail(options, pages: int, domestic: int, abroad: int) -> str:
    production = BASE.get(options.get("documentClass") or "", BASE_OTHER) + pages * PAGE.get(
        options.get("color") or "", PAGE["Black and White"]) * (
        DUPLEX_FACTOR if options.get("printOption") == "Printing both sides" else 1)
    postage = POSTAGE.get(options.get("mailClass") or "", POSTAGE_OTHER)
    parts = [
        "<standardCost>" + _el("postageName", options.get("mailClass") or "") + _el("postageUnitCost", postage)
        + _el("quantity", domestic) + _el("subtotal", (postage * domestic).quantize(CENT)) + "</standardCost>",
        "<internationalCost>" + _el("postageUnitCost", INTERNATIONAL_POSTAGE) + _el("quantity", abroad)
        + _el("subtotal", (INTERNATIONAL_POSTAGE * abroad).quantize(CENT)) + "</internationalCost>",
        "<productionCost>" + _el("productionUnitCost", production.quantize(Decimal("0.0001")))
        + _el("quantity", domestic + abroad) + _el("subtotal", (production * (domestic + abroad)).quantize(CENT))
        + "</productionCost>",
    ]
    return "".join(parts)


async def job_cost(request: Request) -> Response:
    """``GET /jobs/{id}/cost`` → ``<job>`` with ``<cost>`` and ``<totalTax>`` (C# SDK); with
    ``details=true`` the per-kind blocks (click2mail123/phase2c2m)."""
    _, job = _find_job(request)
    if job is None:
        return _no_job(request)
    children = [_el("id", job.job_id), _el("cost", job.cost), _el("totalTax", "0.00")]
    if request.query_params.get("details", "").lower() == "true":
        children.insert(1, _cost_detail(job.options, job.pages, job.pieces - job.international, job.international))
    return _xml("job", *children, _el("status", 0), _el("description", "Success"))


async def credit(request: Request) -> Response:
    """``GET /credit`` → balance, allowNegative, description, status, statusUrl (third-party
    clients) [INFERRED: the root element's name, ``<credit>``]."""
    ledger: Ledger = request.app.state.sim.ledger
    balance = ledger.balance(_user(request)).quantize(CENT)
    return _xml("credit", _el("balance", balance), _el("allowNegative", str(ledger.allow_negative).lower()),
                _el("description", "Success"), _el("status", 0), "<statusUrl/>")


async def get_job(request: Request) -> Response:
    """``GET /jobs/{id}`` → 201 ``<job><id/><status/><description/><statusUrl/></job>`` (docs)
    [INFERRED: for a batch's job the description is its jobStatus word, status 0]."""
    batch, job = _find_job(request)
    if job is None:
        return _no_job(request)
    sim = request.app.state.sim
    word, _ = batch.job_state(job, time.time(), sim.options.job_seconds)
    return _xml("job", _el("id", job.job_id), _el("status", 0), _el("description", word), "<statusUrl/>", status=201)


async def cancel_job(request: Request) -> Response:
    """``POST /jobs/{id}/cancel``: only before production (C# ``batch_info.cs``; third party); the
    job becomes CANCELLED and its charge goes back to the balance [INFERRED: the refund and the
    answer's words]. After that: HTTP 400 in the REST error shape."""
    batch, job = _find_job(request)
    if job is None:
        return _no_job(request)
    sim = request.app.state.sim
    word, _ = batch.job_state(job, time.time(), sim.options.job_seconds)
    if word == "CANCELLED":
        return _error(400, f"Job {job.job_id} is already cancelled.")
    if word not in CANCELLABLE:
        return _error(400, f"Job {job.job_id} cannot be cancelled: it is {word} (only before production).")
    batch.job_overrides[job.index] = ("CANCELLED", "Cancelled by the customer.")
    sim.ledger.refund(batch.owner, Decimal(job.cost))
    return _xml("job", _el("id", job.job_id), _el("status", 0), _el("description", "Job cancelled."))


async def create_proof(request: Request) -> Response:
    """``POST /jobs/{id}/proof`` → a proof id and a URL that lives about 15 minutes (kb.click2mail.com)
    [INFERRED: the element names ``<proof><id/><url/>``]."""
    batch, job = _find_job(request)
    if job is None:
        return _no_job(request)
    sim = request.app.state.sim
    sim.proofs.append((job.job_id, time.time()))
    proof_id = len(sim.proofs)
    url = f"{str(request.base_url).rstrip('/')}/molpro/jobs/{job.job_id}/proof/{proof_id}"
    return _xml("proof", _el("id", proof_id), _el("url", url), _el("status", 0), _el("description", "Success"))


async def get_proof(request: Request) -> Response:
    """``GET /jobs/{id}/proof/{proofId}`` → the proof PDF: the job's pages, with the first recipient's
    block where Click2Mail prints it (an address page in front for "Address on Separate Page", else
    in the #10 window area of the first page)."""
    batch, job = _find_job(request)
    if job is None:
        return _no_job(request)
    sim = request.app.state.sim
    text = request.path_params["proof_id"]
    index = int(text) - 1 if text.isascii() and text.isdigit() and len(text) < 9 else -1
    if not 0 <= index < len(sim.proofs) or sim.proofs[index][0] != job.job_id:
        return _error(404, f"Proof {text[:20]} of job {job.job_id} not found.", "proof")
    from anyio import to_thread

    body = await to_thread.run_sync(render_proof, batch.pdf_path, job)
    return Response(body, media_type="application/pdf")


def render_proof(pdf_path, job) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(pdf_path))
    writer = PdfWriter()
    for number in range(job.start_page, job.end_page + 1):
        writer.add_page(reader.pages[number - 1])
    first = writer.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    if (job.options.get("layout") or "") == "Address on Separate Page":
        writer.insert_blank_page(width=width, height=height, index=0)
        first = writer.pages[0]
    _stamp(writer, first, job.first_address, x=54.0, y=height - 144.0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp(writer, page, lines: list[str], *, x: float, y: float) -> None:
    """Draw ``lines`` (Helvetica 10) on ``page`` with a thin frame, as an extra content stream."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    def pdf_text(value: str) -> str:
        raw = value.encode("latin-1", "replace").decode("latin-1")
        return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = [f"q 0.5 w {x - 6:.1f} {y - 14 * len(lines) - 4:.1f} 260 {14 * len(lines) + 16:.1f} re S Q",
           f"BT /C2MProof 10 Tf {x:.1f} {y:.1f} Td 14 TL"]
    ops += [f"({pdf_text(line)}) '" for line in lines]
    ops.append("ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    fonts[NameObject("/C2MProof")] = writer._add_object(font)
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    contents = page.get("/Contents")
    ref = writer._add_object(stream)
    if contents is None:
        page[NameObject("/Contents")] = ref
    else:
        existing = contents.get_object()
        items = list(existing) if isinstance(existing, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([*items, ref])


# --------------------------------------------------------------------------- address correction

SUFFIXES = {
    "STREET": "ST", "STR": "ST", "AVENUE": "AVE", "AV": "AVE", "ROAD": "RD", "BOULEVARD": "BLVD",
    "DRIVE": "DR", "LANE": "LN", "COURT": "CT", "PLACE": "PL", "TERRACE": "TER", "PARKWAY": "PKWY",
    "HIGHWAY": "HWY", "CIRCLE": "CIR", "SQUARE": "SQ", "SUITE": "STE", "APARTMENT": "APT", "NORTH": "N",
    "SOUTH": "S", "EAST": "E", "WEST": "W", "FLOOR": "FL",
}
STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
    "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS",
    "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM",
    "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK",
    "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "PUERTO RICO": "PR", "GUAM": "GU",
    "VIRGIN ISLANDS": "VI",
}
STATE_CODES = frozenset(STATES.values()) | {"AA", "AE", "AP", "AS", "MP"}
_ZIP = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")


def _street(line: str) -> str:
    words = re.sub(r"[.,]", " ", line.upper()).split()
    return " ".join(SUFFIXES.get(w, w) for w in words)


def correct_address(fields: dict[str, str]) -> dict[str, str]:
    """The deterministic correction of one address (the simulator's rules, not USPS CASS):

    - a country other than blank or the US: kept as given, ``international=true``;
    - otherwise every line upper case, periods and commas dropped, street suffixes and unit words
      abbreviated (Street → ST, Suite → STE), a state's full name → its two letters;
    - a well-formed 5-digit ZIP gets a ZIP+4 (its last four digits from a CRC of the street line);
    - no street line, no city, a state that is not a US state code, or a ZIP that is not 5 or 9
      digits: ``nonMailable=true`` and the reason in ``coarseCorrectionMessage``.
    """
    out = {k: (fields.get(k) or "").strip() for k in ("address1", "address2", "city", "state", "zip", "country")}
    if is_international(out["country"]):
        return {**out, "fineCorrectionMessage": "", "standard": "false", "international": "true",
                "nonMailable": "false", "coarseCorrectionMessage": "International address: not corrected."}
    fine, problems = [], []
    new = dict(out)
    new["address1"], new["address2"] = _street(out["address1"]), _street(out["address2"])
    new["city"] = " ".join(re.sub(r"[.,]", " ", out["city"].upper()).split())
    state = " ".join(out["state"].upper().replace(".", "").split())
    new["state"] = STATES.get(state, state)
    if new["address1"] != out["address1"] or new["address2"] != out["address2"]:
        fine.append("street line standardised")
    if not new["address1"]:
        problems.append("no street line")
    if not new["city"]:
        problems.append("no city")
    if new["state"] not in STATE_CODES:
        problems.append(f"{out['state'] or 'no state'!s} is not a US state")
    match = _ZIP.match(out["zip"])
    if match is None:
        problems.append(f"ZIP {out['zip']!r} is not 5 or 9 digits" if out["zip"] else "no ZIP code")
    elif match.group(2) is None and not problems:
        plus4 = zlib.crc32(new["address1"].encode()) % 10000
        new["zip"] = f"{match.group(1)}-{plus4:04d}"
        fine.append("ZIP+4 added")
    else:
        new["zip"] = f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)
    if problems:
        return {**new, "fineCorrectionMessage": "", "standard": "false", "international": "false",
                "nonMailable": "true", "coarseCorrectionMessage": "Not mailable: " + "; ".join(problems) + "."}
    return {**new, "fineCorrectionMessage": "; ".join(fine), "standard": "true", "international": "false",
            "nonMailable": "false", "coarseCorrectionMessage": ""}


ANSWER_FIELDS = ("address1", "address2", "city", "state", "zip", "country", "fineCorrectionMessage",
                 "coarseCorrectionMessage", "standard", "international", "nonMailable")


async def address_correction(request: Request) -> Response:
    """``POST /addressCorrection``: body ``<addresses><address>…`` (PHP SDK), answer
    ``//addresses/address`` in request order with the C# ``AddressCorrection.cs`` fields. A
    ``<country>`` in the request is accepted too [INFERRED]; ``<name>`` is echoed back [INFERRED]."""
    from lxml import etree

    body = await request.body()
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError as exc:
        return _error(400, f"The addresses XML is not well-formed: {exc.msg}", "addresses")
    items = [el for el in root if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == "address"]
    sim = request.app.state.sim
    sim.molpro_calls["addressCorrection"] = sim.molpro_calls.get("addressCorrection", 0) + 1
    if len(items) > MAX_ADDRESSES:
        return _error(400, f"Too many addresses: {len(items)} (at most {MAX_ADDRESSES} per call).", "addresses")
    parts = []
    for el in items:
        fields = {c.tag.rpartition("}")[2]: (c.text or "") for c in el if isinstance(c.tag, str)}
        corrected = correct_address(fields)
        parts.append("<address>" + _el("name", fields.get("name", "").strip())
                     + "".join(_el(k, corrected[k]) for k in ANSWER_FIELDS) + "</address>")
    return _xml("addresses", *parts)


# --------------------------------------------------------------------------- test hook


async def sim_molpro(request: Request) -> Response:
    """``POST /__sim__/molpro`` ``{"path": "credit", "status": 524, "contentType": "text/html",
    "body": "...", "count": 1}``: the next ``count`` calls to ``/molpro/<path>`` (any method) get
    exactly that answer. ``DELETE`` clears them."""
    sim = request.app.state.sim
    if request.method == "DELETE":
        sim.molpro_answers.clear()
        return JSONResponse({"armed": []})
    try:
        data = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    ok = (isinstance(data, dict) and isinstance(data.get("path"), str) and isinstance(data.get("body", ""), str)
          and isinstance(data.get("status", 200), int) and isinstance(data.get("count", 1), int))
    if not ok:
        return JSONResponse({"error": "needs 'path' and 'body' strings (and int 'status', 'count')"}, status_code=400)
    sim.molpro_answers.append({"path": data["path"].strip("/"), "status": data.get("status", 200),
                               "contentType": data.get("contentType") or XML, "body": data.get("body", ""),
                               "count": max(1, data.get("count", 1))})
    return JSONResponse({"armed": sim.molpro_answers})


class CannedLayer:
    """Serves an answer armed by ``POST /__sim__/molpro`` in place of the /molpro route."""

    def __init__(self, app, sim) -> None:
        self.app = app
        self.sim = sim

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith("/molpro/"):
            sub = path[len("/molpro/"):].strip("/")
            for armed in self.sim.molpro_answers:
                if armed["path"] == sub:
                    armed["count"] -= 1
                    if armed["count"] <= 0:
                        self.sim.molpro_answers.remove(armed)
                    response = Response(armed["body"], status_code=armed["status"], media_type=armed["contentType"])
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


ROUTES = (
    ("/molpro/costEstimate", cost_estimate, ["GET"]),
    ("/molpro/credit", credit, ["GET"]),
    ("/molpro/addressCorrection", address_correction, ["POST"]),
    ("/molpro/jobs/{job_id}", get_job, ["GET"]),
    ("/molpro/jobs/{job_id}/cost", job_cost, ["GET"]),
    ("/molpro/jobs/{job_id}/cancel", cancel_job, ["POST"]),
    ("/molpro/jobs/{job_id}/proof", create_proof, ["POST"]),
    ("/molpro/jobs/{job_id}/proof/{proof_id}", get_proof, ["GET"]),
)
