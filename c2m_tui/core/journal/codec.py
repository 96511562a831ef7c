"""Turn the JSON the journal stores (the models' own ``to_json()``, keyed by the server's element
names) back into models, so a cached answer reads exactly like a fresh one."""

from __future__ import annotations

import json
import re
from typing import Any

from c2m_tui.core.models import BatchStatus, JobStatus, Tracking, TrackingEvent


def _from_elements(cls: type, data: dict[str, Any], **override: Any) -> Any:
    kwargs = {attr: data.get(element) for attr, element in cls.ELEMENTS if element in data}
    kwargs.update(override)
    return cls(**kwargs)


def status_from_json(data: dict[str, Any]) -> BatchStatus:
    jobs = [_from_elements(JobStatus, j) for j in data.get("jobs") or []]
    status = _from_elements(BatchStatus, data, jobs=jobs)
    status.error_message = status.error_message or ""
    status.has_errors = bool(status.has_errors)
    status.received = bool(status.received)
    status.submitted = bool(status.submitted)
    return status


def tracking_from_json(data: dict[str, Any]) -> Tracking:
    return Tracking(
        available=bool(data.get("available")),
        message=data.get("message") or "",
        tracking_type=data.get("trackingType") or "IMB",
        events=[_from_elements(TrackingEvent, e) for e in data.get("trackingDetails") or []],
    )


# A 200,000-scan tracking answer is ~20 MB of JSON: one json.dumps or json.loads call of it runs in
# C for a fifth of a second without letting go of the GIL, and the app's event loop, waiting for the
# GIL, stood still that long although the call ran in a worker thread. These two do the same in
# many small C calls (a slice of a long list each), between which the event loop gets its turn.

_SLICE = 2000  # list items per C call: a few milliseconds


def dumps_in_pieces(obj: Any) -> str:
    """Exactly ``json.dumps(obj)`` for a dict, its long lists encoded a slice at a time."""
    if not isinstance(obj, dict) or not all(isinstance(k, str) for k in obj):
        return json.dumps(obj)
    parts = []
    for key, value in obj.items():
        if isinstance(value, list) and len(value) > _SLICE:
            items = ", ".join(json.dumps(value[i:i + _SLICE])[1:-1] for i in range(0, len(value), _SLICE))
            parts.append(f"{json.dumps(key)}: [{items}]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{" + ", ".join(parts) + "}"


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def loads_in_pieces(text: str) -> Any:
    """``json.loads(text)``, a JSON object's list values decoded an item at a time; anything it
    does not expect (not an object, a syntax error) goes to json.loads whole, which says what is wrong."""
    try:
        return _loads_object(text)
    except (ValueError, IndexError):
        return json.loads(text)


def _loads_object(text: str) -> dict[str, Any]:
    decode = _DECODER.raw_decode
    skip = _SPACE.match
    i = skip(text, 0).end()
    if text[i] != "{":
        raise ValueError("not an object")
    out: dict[str, Any] = {}
    i = skip(text, i + 1).end()
    if text[i] == "}":
        i += 1
    else:
        while True:
            key, i = decode(text, i)
            if not isinstance(key, str):
                raise ValueError("a key that is not a string")
            i = skip(text, i).end()
            if text[i] != ":":
                raise ValueError("no colon")
            i = skip(text, i + 1).end()
            if text[i] == "[":
                items: list[Any] = []
                i = skip(text, i + 1).end()
                if text[i] == "]":
                    i += 1
                else:
                    while True:
                        item, i = decode(text, i)
                        items.append(item)
                        i = skip(text, i).end()
                        if text[i] == "]":
                            i += 1
                            break
                        if text[i] != ",":
                            raise ValueError("no comma")
                        i = skip(text, i + 1).end()
                value: Any = items
            else:
                value, i = decode(text, i)
            out[key] = value
            i = skip(text, i).end()
            if text[i] == "}":
                i += 1
                break
            if text[i] != ",":
                raise ValueError("no comma")
            i = skip(text, i + 1).end()
    if skip(text, i).end() != len(text):
        raise ValueError("extra data")
    return out
