"""The footer every screen uses: esc, quit and help always first, so a narrow terminal (80x24)
never hides how to leave or where the keys are; the other keys follow in the screen's order,
with shorter labels, then key only, when the width runs out (help lists them all, the palette
runs them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# binding id -> a shorter label for narrow terminals
SHORT_LABELS = {
    "wizard.next": "Next",
    "wizard.back": "Prev",
    "wizard.do": "Do step",
    "wizard.cancel-upload": "Stop upload",
    "status.refresh": "Refresh",
    "status.copy-id": "Copy id",
    "status.view-proof": "Proof",
    "status.cancel-jobs": "Cancel",
    "details.copy-id": "Copy id",
    "tracking.switch-type": "IMB/IMPB",
    "tracking.export": "Export",
    "home.open-batch": "Open",
    "home.new-batch": "New",
    "home.switch-profile": "Profile",
    "login.session-only": "Session",
    "viewer.previous-page": "Page",
    "viewer.next-page": "Page",
    "viewer.previous-job": "Job",
    "viewer.next-job": "Job",
}
_ESSENTIAL_ACTIONS = frozenset({"quit", "app.quit", "help", "app.help"})
_PALETTE_WIDTH = 14  # "▏^p palette " docked on the right


def essential(binding) -> bool:
    return binding.key == "escape" or binding.action in _ESSENTIAL_ACTIONS


class KeyFooter(Footer):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self._laid_out_for = 0

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._laid_out_for and self._bindings_ready:
            self.call_after_refresh(self.recompose)

    def _items(self) -> list[tuple]:
        by_action: dict[str, tuple] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            action = binding.action.removeprefix("app.")  # the home's q and the app's ^q both quit
            if binding.show and action not in by_action:
                by_action[action] = (binding, enabled, tooltip)
        items = list(by_action.values())
        return [i for i in items if essential(i[0])] + [i for i in items if not essential(i[0])]

    def labels_for(self, items: list[tuple], width: int) -> list[str]:
        """Full labels if they fit, else short ones, else the last non-essential keys lose theirs."""
        keys = [self.app.get_key_display(b) for b, _, _ in items]

        def used(labels: list[str]) -> int:
            return sum(len(k) + (len(lab) + 1 if lab else 0) + 1 for k, lab in zip(keys, labels))

        labels = [b.description for b, _, _ in items]
        if used(labels) <= width:
            return labels
        labels = [SHORT_LABELS.get(b.id or "", b.description) for b, _, _ in items]
        for index in range(len(items) - 1, -1, -1):
            if used(labels) <= width:
                break
            if not essential(items[index][0]):
                labels[index] = ""
        return labels

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        self._laid_out_for = width
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        items = self._items()
        labels = self.labels_for(items, width - (_PALETTE_WIDTH if palette else 0))
        for (binding, enabled, tooltip), label in zip(items, labels):
            yield FooterKey(
                binding.key, self.app.get_key_display(binding), label, binding.action,
                disabled=not enabled, tooltip=tooltip or binding.description,
            ).data_bind(compact=Footer.compact)
        if palette:
            found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                yield FooterKey(
                    binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                    classes="-command-palette", disabled=not enabled, tooltip=binding.tooltip or binding.description,
                )
