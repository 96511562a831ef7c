"""The wizard's stepper: four steps in the API's order, each locked, open, done or failed."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

STEP_TITLES = ("Create", "PDF", "Jobs & recipients", "Review & submit")
SHORT_TITLES = ("Create", "PDF", "Jobs", "Review")  # when the full ones and the batch id do not fit
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
        """The steps, then the batch id. The id always shows: when the width runs out the titles get
        shorter (SHORT_TITLES), then only the current step keeps its title."""
        batch = f"  batch {self.batch_id}" if self.batch_id else ""
        hint = self.next_key_hint()
        room = (self.content_size.width or self.size.width or 200) - len(batch) - len(hint)
        for titles in (STEP_TITLES, SHORT_TITLES,
                       tuple(t if i == self.current else "" for i, t in enumerate(SHORT_TITLES))):
            parts = self._steps(titles)
            if parts.cell_length <= room:
                break
        if batch:
            parts = Content.assemble(parts, Content.styled(batch, "bold $accent"))
        if hint:
            parts = Content.assemble(parts, Content.styled(hint, "$text-muted"))
        return parts

    def next_key_hint(self) -> str:
        """What to press now, with the keys the screen really has (a keymap may have moved them):
        the current step's "do" key until it is done, then the "next" key."""
        state = self.states[self.current] if 0 <= self.current < len(self.states) else "locked"
        if state == "done":
            if self.current >= len(STEP_TITLES) - 1:
                return ""
            action, word = "next_step", "next"
        else:
            action, word = "do_step", "do it"
        key = self._key_for(action)
        return f"  {key} {word}" if key else ""

    def _key_for(self, action: str) -> str:
        try:
            bindings = self.screen.active_bindings.values()
        except Exception:  # noqa: BLE001 - not on a screen yet
            return ""
        for _node, binding, enabled, _tooltip in bindings:
            if binding.action == action and binding.show:
                return self.app.get_key_display(binding)
        return ""

    def _steps(self, titles: tuple[str, ...]) -> Content:
        parts: list[Content] = []
        for i, title in enumerate(titles):
            mark, style = _LOOK[self.states[i]]
            text = f" {mark} {i + 1} {title} " if title else f" {mark} {i + 1} "
            if i == self.current:
                parts.append(Content.styled(text, f"bold reverse {style}"))
            else:
                parts.append(Content.styled(text, style))
            if i < len(titles) - 1:
                parts.append(Content.styled("─", "$text-muted"))
        return Content.assemble(*parts)
