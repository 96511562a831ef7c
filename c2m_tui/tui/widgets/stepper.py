"""The wizard's stepper: four steps in the API's order, each locked, open, done or failed."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

STEP_TITLES = ("Create", "PDF", "Jobs & recipients", "Review & submit")
# state -> (mark, style from the theme); ``locked`` steps open only when the one before succeeded
_LOOK = {
    "locked": ("·", "$text-muted"),
    "open": ("○", "$foreground"),
    "done": ("✓", "$success"),
    "failed": ("✗", "$error"),
}


class Stepper(Widget):
    DEFAULT_CSS = """
    Stepper {
        height: 1;
        width: 100%;
        padding: 0 1;
    }
    """

    current: reactive[int] = reactive(0)
    states: reactive[tuple[str, ...]] = reactive(("open", "locked", "locked", "locked"))
    batch_id: reactive[str | None] = reactive(None)  # shown once created: every step says which batch

    def set_state(self, index: int, state: str) -> None:
        states = list(self.states)
        states[index] = state
        self.states = tuple(states)

    def render(self) -> Content:
        parts: list[Content] = []
        for i, title in enumerate(STEP_TITLES):
            mark, style = _LOOK[self.states[i]]
            text = f" {mark} {i + 1} {title} "
            if i == self.current:
                parts.append(Content.styled(text, f"bold reverse {style}"))
            else:
                parts.append(Content.styled(text, style))
            if i < len(STEP_TITLES) - 1:
                parts.append(Content.styled("─", "$text-muted"))
        if self.batch_id:
            parts.append(Content.styled(f"  batch {self.batch_id}", "bold $accent"))
        return Content.assemble(*parts)
