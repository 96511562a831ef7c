"""Messages between screens. A widget's own messages live inside the widget class."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class SessionChanged(Message):
    """The session logged in, or moved to another profile: banners and the home screen refresh."""

    label: str
