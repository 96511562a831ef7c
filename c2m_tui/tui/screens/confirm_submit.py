"""The explicit confirmation before submit. In production you type the number of pieces.

It names the price (Click2Mail's estimate, ``core.pricing.Quote``) or says it is unknown, and when
the review found the same letters sent before it carries that warning: its Submit then means "send
it again" (one confirmation, not a second look-alike one after it)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


def charge_words(quote) -> str:
    """"Estimated $31.82 will be charged to this account." or why the price is unknown."""
    if quote is None:
        return ""
    words = quote.confirmation_words()  # the core's words: the amount, or that it is unknown
    if quote.estimate is None:
        return f"{words[:1].upper()}{words[1:]}: {quote.estimate_problem}. Submit only if you know what it costs."
    return f"{words[:1].upper()}{words[1:]} will be charged to this account."


class ConfirmSubmitScreen(ModalScreen[bool]):
    CSS_PATH = "confirm_submit.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm.cancel")]

    def __init__(self, batch_id: str, pieces: int, *, production: bool, label: str, warning: str | None = None,
                 again: bool = False, quote=None) -> None:
        super().__init__()
        self.warning = warning  # the duplicate guard's words, when the review found the letters sent before
        self.again = again  # Submit means "send it again" (allow_duplicate)
        self.quote = quote  # core.pricing.Quote, or None when not asked
        self.batch_id = batch_id
        self.pieces = pieces
        self.production = production
        self.label = label

    def compose(self) -> ComposeResult:
        # scrolls when a production warning, a duplicate and an unknown price do not fit in 24 rows
        with VerticalScroll(classes="dialog", id="confirm-dialog"):
            if self.production:
                yield Label("PRODUCTION: this mails real letters and costs real money", id="confirm-production")
            if self.warning:
                yield Static(self.warning, id="confirm-warning", classes="error-text", markup=False)
            yield Static(
                f"Submit batch {self.batch_id} on {self.label.lower()}? {self.pieces:,} piece(s) will be printed "
                "and mailed. A submitted batch cannot be changed or submitted again.",
                markup=False,
            )
            price = charge_words(self.quote)
            if price:
                known = self.quote.estimate is not None
                yield Static(price, id="confirm-price", classes="confirm-price" if known else "warning-text",
                             markup=False)
            if self.production:
                yield Label(f"Type the number of pieces ({self.pieces}) to confirm:")
                yield Input(placeholder=str(self.pieces), id="confirm-pieces")
                yield Static("", id="confirm-problem", classes="error-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Submit again" if self.again else "Submit", id="confirm-submit", variant="error")
                yield Button("Cancel", id="confirm-cancel")

    def on_mount(self) -> None:
        (self.query_one("#confirm-pieces", Input) if self.production else self.query_one("#confirm-cancel")).focus()

    @on(Input.Submitted, "#confirm-pieces")
    @on(Button.Pressed, "#confirm-submit")
    def _confirm(self) -> None:
        if self.production:
            typed = self.query_one("#confirm-pieces", Input).value.strip()
            if typed != str(self.pieces):
                self.query_one("#confirm-problem", Static).update(
                    f"That is not {self.pieces}: nothing was submitted."
                )
                return
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
