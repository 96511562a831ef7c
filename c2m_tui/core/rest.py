"""Click2Mail's REST ("molpro") API: the calls that work on a batch's jobs (reference §9.2).

Same Basic credentials as the Batch API, one connection per client (``BoundedClient``: the same
deadlines, answer cap, proxy rule and error classes as ``BatchClient``). The job ids are the ones a
batch's status lists. Parameters go as a query (GET) or ``application/x-www-form-urlencoded``
(POST); answers are XML.

Tolerant readers: every answer's unknown elements are kept (``extra``: name -> text); an answer
that lacks what the call needs (no amount, not XML, an HTML page) raises ``RestAnswerError``
naming the call, never a silent zero. Shapes marked [INFERRED] are not documented by Click2Mail.

Calls are GET-retried like the Batch client's reads; the POSTs that change something (cancel,
proof) are retried only when the connection could not be opened. ``addressCorrection`` changes
nothing and is retried like a read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from c2m_tui.core import errors as E
from c2m_tui.core.http import Answer, BoundedClient

STAGING_REST_URL = "https://stage-rest.click2mail.com/molpro"
PRODUCTION_REST_URL = "https://rest.click2mail.com/molpro"
MAX_ADDRESSES_PER_CALL = 100  # "up to about 100 per call" (third party, §9.2)
PAYMENT_TYPE = "User Credit"
OPTION_NAMES = ("documentClass", "layout", "productionTime", "envelope", "color", "paperType", "printOption",
                "mailClass")
ADDRESS_FIELDS = ("address1", "address2", "city", "state", "zip", "country")
# a batch status's job words before production: the jobs ``cancel`` offers (the server decides: it
# refuses a job already in production, and that refusal is the job's outcome)
CANCELLABLE_STATUSES = frozenset({"", "EDITING", "ORDER_SUBMITTED", "SUBMITTED", "QUEUED", "PENDING",
                                  "AWAITING_PRODUCTION"})


def cancellable(job_status: str | None) -> bool:
    """True when a job of a batch status may still be cancelled, as far as its word says."""
    return (job_status or "").strip().upper() in CANCELLABLE_STATUSES


def rest_url_for(environment: str, base_url: str, override: str | None = None) -> str | None:
    """The REST base URL: ``override`` if given; else by environment (staging, production); else, for a
    loopback Batch base URL ending in ``/v1``, the same host's ``/molpro`` (the simulator). None when
    nothing is known (a custom server with no ``rest_url``)."""
    if override:
        return override.rstrip("/")
    if environment == "production":
        return PRODUCTION_REST_URL
    if environment == "staging":
        return STAGING_REST_URL
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    loopback = host == "localhost" or host.startswith("127.") or host == "::1"
    path = parts.path.rstrip("/")
    if loopback and path.endswith("/v1"):
        return urlunsplit((parts.scheme, parts.netloc, path[: -len("/v1")] + "/molpro", "", ""))
    return None


class RestAnswerError(E.APIError):
    """The server answered with success, but not something this call can read."""


# --------------------------------------------------------------------------- answer models


@dataclass
class Credit:
    balance: Decimal
    allow_negative: bool
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"balance": float(self.balance), "allowNegative": self.allow_negative,
                "description": self.description}


@dataclass
class JobCost:
    job_id: str
    cost: Decimal
    total_tax: Decimal
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class JobInfo:
    job_id: str
    status: str
    description: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class CorrectedAddress:
    """One answer of addressCorrection, in request order (C# ``AddressCorrection.cs`` fields)."""

    fields: dict[str, str]  # address1, address2, city, state, zip, country as corrected
    standard: bool
    international: bool
    non_mailable: bool
    fine_message: str = ""
    coarse_message: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "nonMailable" if self.non_mailable else "international" if self.international else \
            "standard" if self.standard else "unknown"


# --------------------------------------------------------------------------- reading answers


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _root(data: bytes, what: str):
    from c2m_tui.core.safexml import parse_bytes

    head = data.lstrip()[:200].lower()
    if not head:
        raise RestAnswerError(f"the answer to {what} is empty; expected XML")
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise RestAnswerError(f"the answer to {what} is an HTML page, not Click2Mail's XML (a proxy or an "
                              "error page?)", body=data[:500].decode("utf-8", "replace"))
    try:
        return parse_bytes(data)
    except Exception as err:  # noqa: BLE001 - any parse failure is "unreadable", named
        raise RestAnswerError(f"the answer to {what} is not readable XML ({str(err)[:120]})",
                              body=data[:500].decode("utf-8", "replace")) from None


def _texts(el) -> dict[str, str]:
    """Leaf children by local name -> text (the first wins); containers are skipped."""
    out: dict[str, str] = {}
    for child in el:
        name = _local(child.tag)
        if name and len(child) == 0 and name not in out:
            out[name] = (child.text or "").strip()
    return out


def _find(root, name: str):
    """A direct child named ``name``, else the first such element anywhere below."""
    for child in root:
        if _local(child.tag) == name:
            return child
    for el in root.iter():
        if _local(el.tag) == name:
            return el
    return None


def _money(root, name: str, what: str, data: bytes) -> Decimal:
    el = _find(root, name)
    text = (el.text or "").strip() if el is not None else ""
    try:
        value = Decimal(text.replace("$", "").replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
        return value
    except InvalidOperation:
        shown = f"<{name}> is {text[:30]!r}" if el is not None else f"it has no <{name}>"
        raise RestAnswerError(f"the answer to {what} cannot be read: {shown}",
                              body=data[:500].decode("utf-8", "replace")) from None


def _bool(text: str | None) -> bool:
    return (text or "").strip().lower() in ("true", "1", "yes", "y")


def _extra(values: dict[str, str], known: Iterable[str]) -> dict[str, str]:
    known = set(known)
    return {k: v for k, v in values.items() if k not in known}


def parse_credit(data: bytes, what: str = "read the credit balance") -> Credit:
    root = _root(data, what)
    values = _texts(root)
    if "allowNegative" not in values:
        raise RestAnswerError(f"the answer to {what} cannot be read: it has no <allowNegative>",
                              body=data[:500].decode("utf-8", "replace"))
    return Credit(_money(root, "balance", what, data), _bool(values.get("allowNegative")),
                  values.get("description", ""), _extra(values, ("balance", "allowNegative", "description")))


def parse_subtotal(data: bytes, what: str) -> tuple[Decimal, dict[str, str]]:
    """costEstimate: the root's ``<subtotal>`` (else the first anywhere: a third-party client reads
    ``//subtotal``) [INFERRED]."""
    root = _root(data, what)
    values = _texts(root)
    return _money(root, "subtotal", what, data), _extra(values, ("subtotal",))


def parse_job_cost(data: bytes, job_id: str, what: str) -> JobCost:
    root = _root(data, what)
    values = _texts(root)
    tax = _money(root, "totalTax", what, data) if "totalTax" in values else Decimal("0")
    return JobCost(values.get("id") or job_id, _money(root, "cost", what, data), tax,
                   _extra(values, ("id", "cost", "totalTax")))


def parse_job(data: bytes, job_id: str, what: str) -> JobInfo:
    root = _root(data, what)
    values = _texts(root)
    if "status" not in values and "description" not in values:
        raise RestAnswerError(f"the answer to {what} cannot be read: no <status> or <description>",
                              body=data[:500].decode("utf-8", "replace"))
    return JobInfo(values.get("id") or job_id, values.get("status", ""), values.get("description", ""),
                   _extra(values, ("id", "status", "description")))


def parse_corrections(data: bytes, sent: int, what: str) -> list[CorrectedAddress]:
    root = _root(data, what)
    items = [el for el in root.iter() if _local(el.tag) == "address" and el is not root]
    if len(items) != sent:
        raise RestAnswerError(f"the answer to {what} has {len(items)} address(es) for the {sent} sent; "
                              "refused rather than matched wrongly", body=data[:500].decode("utf-8", "replace"))
    out = []
    known = (*ADDRESS_FIELDS, "standard", "international", "nonMailable", "fineCorrectionMessage",
             "coarseCorrectionMessage")
    for el in items:
        values = _texts(el)
        flags = [k for k in ("standard", "international", "nonMailable") if k in values]
        if not flags:
            raise RestAnswerError(f"the answer to {what} cannot be read: an <address> has none of "
                                  "<standard>, <international>, <nonMailable>", body=data[:500].decode("utf-8", "replace"))
        out.append(CorrectedAddress(
            {k: values.get(k, "") for k in ADDRESS_FIELDS}, _bool(values.get("standard")),
            _bool(values.get("international")), _bool(values.get("nonMailable")),
            values.get("fineCorrectionMessage", ""), values.get("coarseCorrectionMessage", ""),
            _extra(values, known),
        ))
    return out


def _address_xml(addresses: list[dict[str, str]]) -> bytes:
    from xml.sax.saxutils import escape

    parts = ["<addresses>"]
    for addr in addresses:
        parts.append("<address>" + "".join(
            f"<{k}>{escape(str(addr.get(k) or ''))}</{k}>" for k in ("name", *ADDRESS_FIELDS)
            if k != "country" or addr.get("country")) + "</address>")
    parts.append("</addresses>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(parts)).encode("utf-8")


# --------------------------------------------------------------------------- the client


def _job_id(job_id: str | int) -> str:
    text = str(job_id).strip()
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 20):
        raise E.UsageError(f"a job id is a number of at most 20 digits, not {str(job_id)[:40]!r}")
    return text


class RestClient(BoundedClient):
    """Async client of the REST calls on a batch's jobs (``/molpro``)."""

    API_NAME = "REST API"

    async def __aenter__(self) -> "RestClient":
        return self

    async def credit(self) -> Credit:
        what = "read the credit balance (GET /credit)"
        answer = await self._send("GET", "credit", what=what, retry=True)
        return parse_credit(answer.content, what)

    async def cost_estimate(self, options: dict[str, str | None], *, pages: int, quantity: int,
                            international: int = 0, payment_type: str = PAYMENT_TYPE) -> tuple[Decimal, dict]:
        """``GET /costEstimate`` with the C# SDK's parameters: (subtotal, unknown elements kept)."""
        params = {name: options.get(name) or "" for name in OPTION_NAMES}
        params.update(quantity=str(quantity), nonStandardQuantity="0", internationalQuantity=str(international),
                      numberOfPages=str(pages), paymentType=payment_type)
        what = f"estimate the cost of {quantity + international:,} piece(s) of {pages} page(s) (GET /costEstimate)"
        answer = await self._send("GET", "costEstimate", what=what, retry=True, params=params)
        return parse_subtotal(answer.content, what)

    async def job_cost(self, job_id: str | int) -> JobCost:
        jid = _job_id(job_id)
        what = f"read the cost of job {jid} (GET /jobs/{jid}/cost)"
        answer = await self._send("GET", f"jobs/{jid}/cost", what=what, retry=True, params={"details": "true"})
        return parse_job_cost(answer.content, jid, what)

    async def job(self, job_id: str | int) -> JobInfo:
        jid = _job_id(job_id)
        what = f"read job {jid} (GET /jobs/{jid})"
        answer = await self._send("GET", f"jobs/{jid}", what=what, retry=True)
        return parse_job(answer.content, jid, what)

    async def cancel(self, job_id: str | int) -> JobInfo:
        jid = _job_id(job_id)
        what = f"cancel job {jid} (POST /jobs/{jid}/cancel)"
        answer = await self._send("POST", f"jobs/{jid}/cancel", what=what, retry="connect", **_form())
        return parse_job(answer.content, jid, what)

    async def proof(self, job_id: str | int) -> bytes:
        """``POST /jobs/{id}/proof`` then ``GET /jobs/{id}/proof/{proofId}``: the proof PDF's bytes."""
        jid = _job_id(job_id)
        what = f"make a proof of job {jid} (POST /jobs/{jid}/proof)"
        answer = await self._send("POST", f"jobs/{jid}/proof", what=what, retry="connect", **_form())
        root = _root(answer.content, what)
        proof_id = (_texts(root).get("id") or "").strip()  # [INFERRED] <proof><id>
        if not (proof_id.isascii() and proof_id.isalnum() and len(proof_id) <= 64):
            raise RestAnswerError(f"the answer to {what} cannot be read: no proof <id>", body=answer.text[:500])
        what = f"download proof {proof_id} of job {jid} (GET /jobs/{jid}/proof/{proof_id})"
        pdf = await self._send("GET", f"jobs/{jid}/proof/{proof_id}", what=what, retry=True,
                               headers={"Accept": "application/pdf"})
        if not pdf.content.startswith(b"%PDF-"):
            raise RestAnswerError(f"the answer to {what} is not a PDF", body=pdf.text[:500])
        return pdf.content

    async def correct_addresses(self, addresses: list[dict[str, str]], *,
                                on_call: Callable[[int, int], None] | None = None) -> list[CorrectedAddress]:
        """``POST /addressCorrection`` in calls of at most 100, answers kept in request order."""
        out: list[CorrectedAddress] = []
        calls = (len(addresses) + MAX_ADDRESSES_PER_CALL - 1) // MAX_ADDRESSES_PER_CALL
        for number in range(calls):
            chunk = addresses[number * MAX_ADDRESSES_PER_CALL:(number + 1) * MAX_ADDRESSES_PER_CALL]
            first = number * MAX_ADDRESSES_PER_CALL + 1
            what = (f"correct addresses {first}-{first + len(chunk) - 1} of {len(addresses)} "
                    "(POST /addressCorrection)")
            body = _address_xml(chunk)
            answer = await self._send("POST", "addressCorrection", what=what, retry=True, content=lambda: body,
                                      headers={"Content-Type": "application/xml"})
            out.extend(parse_corrections(answer.content, len(chunk), what))
            if on_call:
                on_call(number + 1, calls)
        return out

    async def job_costs(self, job_ids: list[str], *, pace: float = 0.2,
                        on_job: Callable[[JobCost], None] | None = None) -> list[JobCost]:
        """Each job's cost, one call at a time at most every ``pace`` seconds (a batch of thousands of
        jobs must not hammer the server)."""
        loop = asyncio.get_running_loop()
        out = []
        for index, jid in enumerate(job_ids):
            started = loop.time()
            cost = await self.job_cost(jid)
            out.append(cost)
            if on_job:
                on_job(cost)
            if index + 1 < len(job_ids):
                await asyncio.sleep(max(0.0, pace - (loop.time() - started)))
        return out


@dataclass
class CancelOutcome:
    """What became of one job asked to be cancelled: cancelled, or refused in the server's words."""

    job: object  # the batch status's JobStatus (label(), job_id)
    cancelled: bool
    words: str  # the answer's description, or the refusal (the whole error: host, call, HTTP status)
    reason: str = ""  # a refusal in the server's own words (the REST error's <description>), else ``words``

    def text(self) -> str:
        name = f"{self.job.label()} (id {self.job.job_id})"  # type: ignore[attr-defined]
        if self.cancelled:
            return f"{name}: cancelled" + (f" ({self.words})" if self.words else "")
        return f"{name}: not cancelled: {self.words}"


def _description(body: str) -> str:
    """The ``<description>`` of a REST error answer (``<status>9</status><description>…``), or ""."""
    if not body or "<" not in body:
        return ""
    try:
        return _texts(_root(body.encode("utf-8"), "read the refusal")).get("description", "")
    except Exception:  # noqa: BLE001 - not the REST shape: the whole error stands
        return ""


async def cancel_jobs(rest: "RestClient", jobs: Iterable, *,
                      on_job: Callable[[CancelOutcome], None] | None = None) -> list[CancelOutcome]:
    """Cancel each job in turn (``cancel`` and the status board alike). A refusal (in production,
    mailed, already cancelled: exit code 1) is that job's outcome and the next is asked; bad
    credentials or an unreachable server are raised (the rest would fail the same way)."""
    out = []
    for job in jobs:
        try:
            answer = await rest.cancel(job.job_id)
            outcome = CancelOutcome(job, True, answer.description)
        except E.C2MError as err:
            if err.exit_code != 1:
                raise
            outcome = CancelOutcome(job, False, str(err), _description(getattr(err, "body", "")) or str(err))
        out.append(outcome)
        if on_job:
            on_job(outcome)
    return out


def _form() -> dict:
    """An empty form body, as the SDKs POST these calls (``application/x-www-form-urlencoded``)."""
    return {"content": lambda: b"", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}


__all__ = ["Answer", "RestClient", "RestAnswerError", "rest_url_for", "Credit", "JobCost", "JobInfo",
           "CorrectedAddress", "CancelOutcome", "cancel_jobs", "cancellable"]
