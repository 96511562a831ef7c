"""Pictures drawn with the terminal's own graphics protocol: Kitty's (``kitty.py``) or Sixel
(``sixel.py``), and which one this terminal speaks (``detect.py``). Everywhere else the page is
drawn in half-block characters (``core/halfblock.py``): over plain SSH, in tmux, at 16 colours.

Nothing here imports Pillow or textual at import time; the encoders take a Pillow image.
"""

from __future__ import annotations

from dataclasses import dataclass

PROTOCOLS = ("kitty", "sixel", "halfblock")
CHOICES = ("auto", *PROTOCOLS)  # the `[preview] graphics` setting and `preview --graphics`
DEFAULT_CELL_PX = (10, 20)  # a VT340's cell, when the terminal does not say its own


@dataclass(slots=True, frozen=True)
class TerminalGraphics:
    """How pictures are drawn on this terminal: ``protocol`` (one of PROTOCOLS), the size of one
    text cell in pixels (a Sixel image must fill its cells exactly), whether each sequence is
    wrapped for tmux's passthrough, and why this was chosen (said by ``preview`` and in the app's
    debug log)."""

    protocol: str = "halfblock"
    cell_px: tuple[int, int] = DEFAULT_CELL_PX
    tmux: bool = False
    reason: str = "half-block characters"

    @property
    def bitmap(self) -> bool:
        return self.protocol in ("kitty", "sixel")


HALFBLOCK = TerminalGraphics()


def tmux_wrap(sequence: str) -> str:
    """``sequence`` inside tmux's passthrough envelope (tmux 3.3+ with ``allow-passthrough on``
    hands it to the outer terminal unchanged): every ESC doubled, then ``ESC P tmux; ... ESC \\``."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
