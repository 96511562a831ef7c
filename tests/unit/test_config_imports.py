"""config stays light: no textual (layer rule), and keyring/httpx/platformdirs only when used."""

from __future__ import annotations

import subprocess
import sys


def test_config_imports_nothing_heavy():
    code = (
        "import sys\n"
        "import c2m_tui.config.paths, c2m_tui.config.settings, c2m_tui.config.profiles\n"
        "import c2m_tui.config.credentials, c2m_tui.config.debuglog\n"
        "import c2m_tui.commands.login, c2m_tui.commands.logout, c2m_tui.commands.profiles\n"
        "print(sorted(m for m in ('textual', 'httpx', 'keyring', 'platformdirs', 'c2m_tui.tui', 'c2m_tui.sim')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
