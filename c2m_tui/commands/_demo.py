"""``c2m-tui --demo COMMAND``: run a command against the demo's simulator (the one ``--demo`` keeps
in the data directory), started for the command and stopped after it."""

from __future__ import annotations

import argparse

# commands that talk to a server (or read the journal of the demo's batches)
DEMO_COMMANDS = ("send", "status", "details", "tracking", "resume", "batches", "forget")


def run_on_demo(args: argparse.Namespace) -> int:
    from c2m_tui.core.errors import UsageError

    if args.command not in DEMO_COMMANDS:
        raise UsageError(f"--demo runs the app or one of {', '.join(DEMO_COMMANDS)} on the built-in simulator, "
                         f"not {args.command!r}: leave out --demo")
    if getattr(args, "profile", None) or getattr(args, "base_url", None):
        raise UsageError("--demo runs its own simulator: leave out --profile and --base-url")
    from c2m_tui.config.paths import data_dir
    from c2m_tui.config.profiles import get_profile
    from c2m_tui.tui.demo import DEMO_STATE_FOLDER, start_demo_simulator

    from c2m_tui.commands._common import stderr

    server = start_demo_simulator(data_dir() / DEMO_STATE_FOLDER, get_profile("demo").base_url)
    try:
        for notice in server.notices:
            stderr(f"note: {notice}")
        args.profile, args.base_url = "demo", server.base_url
        return int(args._module.run(args) or 0)
    finally:
        server.stop()
