"""The terminal app (what runs with no command)."""

HELP = "open the terminal app (the default when no command is given)"
DESCRIPTION = (
    "Open the terminal app: home screen, batch wizard, status board. --demo runs it on the built-in "
    "simulator on a free loopback port, logged in as the demo account, with sample files."
)


def add_arguments(parser):
    parser.add_argument("--demo", action="store_true", help="run on the built-in simulator (nothing to set up)")
    parser.add_argument("--profile", metavar="NAME", help="profile to use")
    parser.add_argument("--base-url", metavar="URL", help="API base URL, overriding the profile's")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (also C2M_THEME)")
    parser.add_argument("--no-mouse", action="store_true", help="ignore the mouse (for SSH and tmux)")


def build_session(args):
    """The session the app starts with: --demo starts the simulator, else the chosen profile."""
    from c2m_tui.core.errors import UsageError
    from c2m_tui.tui.session import demo_session, session_for_profile

    if getattr(args, "demo", False):
        if getattr(args, "profile", None) or getattr(args, "base_url", None):
            raise UsageError("--demo runs its own simulator: leave out --profile and --base-url")
        return demo_session()
    if not getattr(args, "base_url", None):
        from c2m_tui.config.profiles import get_profile

        profile = get_profile(getattr(args, "profile", None))
        if profile.environment == "demo" and not _listening(profile.base_url):
            # the demo profile is the built-in simulator: with none running on its port, start one
            # (as --demo does) rather than open an app whose every call says "cannot reach"
            return demo_session()
    # the password lookup (keyring) happens in the app, after the first screen is up
    return session_for_profile(getattr(args, "profile", None), getattr(args, "base_url", None), resolve=False)


def _listening(base_url: str) -> bool:
    """Is anything accepting connections at the URL's host and port? (loopback: a millisecond)"""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=0.3):
            return True
    except OSError:
        return False


def run(args) -> int:
    from c2m_tui.tui.app import C2MApp

    session = build_session(args)
    if getattr(args, "debug", None):
        from c2m_tui.config.debuglog import open_debug_log

        session.debug_log = open_debug_log(args.debug)
    no_mouse = bool(getattr(args, "no_mouse", False))
    try:
        app = C2MApp(session, theme=getattr(args, "theme", None), no_mouse=no_mouse)
        app.run(mouse=not no_mouse)
    finally:
        session.stop_simulator()
    return app.return_code or 0
