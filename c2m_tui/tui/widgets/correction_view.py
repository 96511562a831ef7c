"""One address as given and as Click2Mail corrected it, the changed fields highlighted (the address
check's detail line), and the one-line address text its table cells use too."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from c2m_tui.core import addresscheck as ac


def address_text(values: dict[str, str], marked: set[str] = frozenset(), style="", *, home: bool = True) -> Text:
    """``1 MAIN ST, STE 400, BOSTON, MA 02134-1234``: one line, the ``marked`` fields in ``style``;
    ``home=False`` leaves out a domestic country ("United States"), to save a table's width."""
    from c2m_tui.core.pricing import is_international

    text = Text()
    for key in ac.ADDRESS_FIELDS:
        value = (values.get(key) or "").strip()
        if key == "country" and not home and not is_international(value):
            continue
        if value:
            if text:
                text.append(" " if key == "zip" else ", ")
            text.append(value, style=style if key in marked else "")
    return text


NOT_CORRECTED = {"standard": "the same as given",
                 "international": "not corrected: an address abroad is mailed as given",
                 "nonMailable": "no mailable address (why: above)",
                 "unknown": "did not say whether it can be mailed"}


class CorrectionView(Static):
    """One address as given and as corrected, the fields that changed highlighted."""

    COMPONENT_CLASSES = {"correction-view--changed", "correction-view--label"}
    plain = ""

    def changed_style(self):
        return self.get_component_rich_style("correction-view--changed", partial=True)

    def show(self, number: int, name: str, item: ac.Checked | None, choice: str) -> None:
        if item is None:
            self.plain = ""
            self.update("")
            return
        group = ac.group_of(item)
        marked = set(item.changed) if group == "corrected" else set()
        label = self.get_component_rich_style("correction-view--label", partial=True)
        why = ac.reason(item)
        head = Text(f"#{number} {name or '(no name)'} · {ac.CHOICE_WORDS[choice]}" + (f" · {why}" if why else ""),
                    no_wrap=True, overflow="ellipsis")  # one line: the two addresses below must show
        given = Text(f"{'as given':<11}", style=label) + address_text(item.original, marked, self.changed_style())
        theirs = Text(f"{'Click2Mail':<11}", style=label) + (
            address_text(item.corrected.fields, marked, self.changed_style()) if group == "corrected"
            else Text(NOT_CORRECTED[group]))
        self.plain = "\n".join(t.plain for t in (head, given, theirs))  # what it says, for tests
        self.update(Group(head, given, theirs))
