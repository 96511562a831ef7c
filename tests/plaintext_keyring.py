"""A keyring backend that keeps passwords in a plain JSON file, as keyrings.alt's PlaintextKeyring
does, so tests can prove such a backend is refused without installing keyrings.alt (which, in the
default install, keyring would pick up on every machine without a Secret Service). Like
keyrings.alt's file backends it says where its file is (``file_path``): that is what c2m-tui refuses.
Importable by name for PYTHON_KEYRING_BACKEND=tests.plaintext_keyring.PlaintextKeyring."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class PlaintextKeyring(KeyringBackend):
    priority = 0.5  # type: ignore[assignment]

    @property
    def file_path(self) -> str:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
        return os.path.join(base, "python_keyring", "keyring_pass.json")

    def _load(self) -> dict:
        try:
            return json.loads(Path(self.file_path).read_text())
        except OSError:
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        Path(self.file_path).parent.mkdir(parents=True, exist_ok=True)
        Path(self.file_path).write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        Path(self.file_path).write_text(json.dumps(data))
