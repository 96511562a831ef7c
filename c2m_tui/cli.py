"""Command-line entry point. Parses arguments and dispatches to ``c2m_tui.commands.<name>``.

Each command module imports only the standard library at module level and does its heavy
imports inside ``run``, so ``c2m-tui status`` never imports textual and ``--help`` is fast.
With no command, the TUI starts.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from c2m_tui import __version__

# command name -> module under c2m_tui.commands (each has HELP, add_arguments(parser), run(args) -> int)
COMMANDS: dict[str, str] = {
    "sim": "sim",
    "validate": "validate",
    "send": "send",
    "status": "status",
    "details": "details",
    "tracking": "tracking",
    "login": "login",
    "logout": "logout",
    "profiles": "profiles",
    "build-xml": "build_xml",
    "resume": "resume",
    "batches": "batches",
    "forget": "forget",
    "estimate": "estimate",
    "credit": "credit",
    "check-addresses": "check_addresses",
    "proof": "proof",
    "cancel": "cancel",
    "cost": "cost",
    "preview": "preview",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2 with one clear line, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


_VALUE_OPTIONS = frozenset({"--profile", "--base-url", "--theme", "--debug"})
_FLAG_OPTIONS = frozenset({"--demo", "--no-mouse"})


def build_parser(with_commands: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; ``with_commands=False`` leaves out the sub-commands (importing their twelve
    modules is a tenth of the way to the app's first screen); ``only`` builds that one sub-command
    alone (importing and building all twenty cost a command ~35 ms before it starts its work)."""
    parser = _Parser(
        prog="c2m-tui",
        description="Send paper mail through Click2Mail's Batch API, and watch it go out. "
        "With no command, opens the terminal app.",
        epilog="Exit codes: 0 ok; 1 failed or invalid; 2 usage; 3 credentials missing or rejected; "
        "4 server unreachable. C2M_TUI_HOME moves every file the app writes.",
    )
    parser.add_argument("--version", action="version", version=f"c2m-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run the app, or the command that follows (send, status, details, tracking, resume, batches, "
                        "forget), on the built-in simulator (nothing to set up; it keeps its batches)")
    parser.add_argument("--profile", metavar="NAME", help="profile to use (demo, staging, production or your own)")
    parser.add_argument("--base-url", metavar="URL", help="API base URL, overriding the profile's")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (see themes/; also C2M_THEME)")
    parser.add_argument("--no-mouse", action="store_true", help="ignore the mouse (for SSH and tmux)")
    parser.add_argument("--debug", metavar="FILE", help="write a debug log (secrets redacted) to FILE")
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = importlib.import_module(f"c2m_tui.commands.{module_name}")
        p = sub.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def _not_values(argv: list[str]) -> tuple[list[str], bool]:
    """The arguments that are not the value of a top-level option (``--profile NAME``), and whether
    the last such option is still waiting for its value."""
    out: list[str] = []
    expect_value = False
    for arg in argv:
        if expect_value:
            expect_value = False
        elif arg in _VALUE_OPTIONS:
            expect_value = True
        else:
            out.append(arg)
    return out, expect_value


def _opens_the_app(argv: list[str]) -> bool:
    """Whether ``argv`` holds only the app's own options (no command, no --help, no stray word)."""
    rest, dangling = _not_values(argv)
    return not dangling and not any(
        not arg.startswith("--") or arg in ("--help", "--version") or arg.startswith("--h") for arg in rest)


def _command_word(argv: list[str]) -> str | None:
    """The sub-command ``argv`` runs, when it is one of COMMANDS and nothing before it asks for the
    top-level help or version (which list every command); None otherwise, and the whole parser is
    built (an unknown word then gets argparse's "invalid choice" listing them all)."""
    for arg in _not_values(argv)[0]:
        if arg in _FLAG_OPTIONS or ("=" in arg and arg.split("=", 1)[0] in _VALUE_OPTIONS):
            continue
        if arg.startswith("-"):
            return None  # help, version, an abbreviation, an unknown option: the whole parser answers
        return arg if arg in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(with_commands=not _opens_the_app(argv), only=_command_word(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        from c2m_tui.commands import app

        return _guarded(app.run, args)
    if args.demo:  # the command on the demo's simulator (or refused)
        from c2m_tui.commands._demo import run_on_demo

        return _guarded(run_on_demo, args)
    return _guarded(args._module.run, args)


def _guarded(func, args) -> int:
    """Run a command; a C2MError becomes one line on stderr and its exit code, never a traceback."""
    from c2m_tui.core.errors import C2MError, describe

    try:
        return int(func(args) or 0)
    except C2MError as err:
        print(f"c2m-tui: {describe(err)}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("c2m-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except OSError as err:  # the machine, not the input: a full disk, a read-only folder
        print(f"c2m-tui: {describe(err)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
