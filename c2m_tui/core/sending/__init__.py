"""Sending sends: the one path every front end (``send``, ``resume``, the app's wizard) takes to
put a batch on the server, journaled so that a crash anywhere never mails it twice or loses it.

1. **The plan** is journaled before any call: profile, environment, server, the PDF (path, size,
   pages, sha256), the XML (the exact bytes and their sha256), jobs, pieces. ``send`` has it all at
   once; the wizard creates the batch first (the API's order) and records each file as it uploads it
   (``start_entry``, then ``pdf_step(pdf=...)`` and ``xml_step(xml=...)``).
2. **The four calls** (create, PDF, XML, submit) run in that order; each is journaled as an intent
   (committed before the call) and its outcome after it (``steps.py``).
3. **Settling** (``settle.py``): before anything else, every step left without an answer on this
   server is settled by asking the server.
4. **Resume** (``resume``) finishes a batch from wherever it stopped, on the same id: it uploads only
   what is not confirmed and submits at most once; ``missing_inputs`` says which file it still needs.
   ``forget`` marks a never-submitted batch abandoned.

How a failed call is journaled, and what happens next (``steps.outcome_of``, the only such rule):

=====================  ================================  ====================================  =========================
the failure            create                            PDF / XML upload                      submit
=====================  ================================  ====================================  =========================
cannot connect         failed: nothing was sent          failed                                failed
401, 403, 404, 4xx     failed: the server said no        failed                                failed
timeout, 5xx, 524,     ambiguous: settled as "possibly   unconfirmed: sent again on resume     ambiguous: settled by
garbled answer,        created" (a batch with an         (an upload replaces the one before,   reading the status;
cancelled while        unknown id may exist; it is       so sending it again is safe)          submitted again only if
waiting, a crash       never submitted)                                                        the status says it was not
=====================  ================================  ====================================  =========================

A crash (no outcome row at all) is settled exactly like "ambiguous" / "unconfirmed" above.
"""

from c2m_tui.core.sending.plan import (
    ChangedSinceReviewError, ReviewRecord, SendPlan, Target, review, sha256_bytes, sha256_file,
)
from c2m_tui.core.sending.send import (
    BatchBusyError, Content, DuplicateBatchError, create_step, forget, missing_inputs, pdf_step, refuse_forget,
    remaining_steps, resume, review_entry, send, start_entry, submit_step, xml_step,
)
from c2m_tui.core.sending.settle import SettleResult, settle
from c2m_tui.core.sending.steps import outcome_of

__all__ = [
    "ChangedSinceReviewError", "ReviewRecord", "SendPlan", "Target", "review", "sha256_bytes", "sha256_file",
    "BatchBusyError", "Content", "DuplicateBatchError", "create_step", "forget", "missing_inputs", "pdf_step",
    "refuse_forget", "remaining_steps", "resume", "review_entry", "send", "start_entry", "submit_step", "xml_step",
    "SettleResult", "settle", "outcome_of",
]
