"""Turn the JSON the journal stores (the models' own ``to_json()``, keyed by the server's element
names) back into models, so a cached answer reads exactly like a fresh one."""

from __future__ import annotations

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
