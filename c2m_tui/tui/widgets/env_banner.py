"""The one-line banner on top of every screen: environment, profile, server and user.

Production gets a red PRODUCTION bar that never goes away; demo a DEMO bar. The App mounts one on
every screen it shows (see C2MApp._ensure_banner), so screens need not remember to.
"""

from __future__ import annotations

from textual.widgets import Static


class EnvironmentBanner(Static):
    DEFAULT_CSS = """
    EnvironmentBanner {
        dock: top;
        height: 1;
        width: 100%;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    EnvironmentBanner.-production {
        background: $production;
        color: $text;
    }
    EnvironmentBanner.-demo {
        background: $demo;
        color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="env-banner", markup=False)

    def on_mount(self) -> None:
        self.refresh_banner()

    def refresh_banner(self) -> None:
        session = getattr(self.app, "session", None)
        if session is None:
            return
        self.set_class(session.production, "-production")
        simulated = session.demo or session.environment == "demo"
        self.set_class(simulated and not session.production, "-demo")
        user = session.username or "not logged in"
        if session.production:
            head = "■ PRODUCTION · real mail, real money"
        elif session.demo:
            head = "DEMO · built-in simulator, nothing is mailed"
        elif simulated:
            head = "DEMO · simulator, nothing is mailed"
        else:
            head = session.label
        self.update(f"{head} │ profile {session.profile_name} │ {user} │ {session.base_url}")
