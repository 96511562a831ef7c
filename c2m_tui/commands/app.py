"""The terminal app: what runs with no command (its flags are the top-level ones, in cli.py)."""

def build_session(args):
    """The session the app starts with: --demo starts the simulator, else the chosen profile."""
    from c2m_tui.core.errors import UsageError
    from c2m_tui.tui.session import demo_session, session_for_profile

    if args.demo:
        if args.profile or args.base_url:
            raise UsageError("--demo runs its own simulator: leave out --profile and --base-url")
        return demo_session()
    if not args.base_url:
        from c2m_tui.config.profiles import get_profile

        profile = get_profile(args.profile)
        if profile.environment == "demo" and not _listening(profile.base_url):
            # the demo profile is the built-in simulator: with none running on its port, start one
            # (as --demo does) rather than open an app whose every call says "cannot reach"
            return demo_session()
    # the password lookup (keyring) happens in the app, after the first screen is up
    return session_for_profile(args.profile, args.base_url, resolve=False)


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
    # Ask the terminal for its graphics protocol first, in a thread: its answer comes while the
    # app's modules are imported, and must be read before Textual's input thread starts.
    from c2m_tui.config.settings import graphics_setting
    from c2m_tui.core.graphics.detect import Detection

    choice, graphics_problem = graphics_setting()
    detection = Detection(choice)
    try:
        from c2m_tui.tui.app import C2MApp

        session = build_session(args)
    finally:
        graphics = detection.result()
    if args.debug:
        from c2m_tui.config.debuglog import open_debug_log

        session.debug_log = open_debug_log(args.debug)
    try:
        app = C2MApp(session, theme=args.theme, graphics=graphics,
                     notices=[graphics_problem] if graphics_problem else [])
        app.run(mouse=not args.no_mouse)
    finally:
        session.stop_simulator()
    import sys

    for note in app.exit_notes:
        print(note, file=sys.stderr)
    return app.return_code or 0
