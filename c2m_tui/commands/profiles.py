"""c2m-tui profiles [--json] [--set-default NAME]"""

from __future__ import annotations

HELP = "list profiles and where each one's password comes from"
DESCRIPTION = (
    "List the profiles (demo, staging, production and your own) with their server, username and where "
    "the password would come from now: environment (C2M_USERNAME/C2M_PASSWORD), keyring, demo (the "
    "simulator's public demo/demo) or none. --set-default NAME changes the profile used without "
    "--profile (never a production one: production is chosen for each run)."
)


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true",
                        help='print a JSON list of {"name","environment","base_url","username","secret_source","default"}')
    parser.add_argument("--set-default", metavar="NAME", help="make NAME the default profile (refused for production)")


def run(args) -> int:
    import os

    from c2m_tui.commands._common import print_json
    from c2m_tui.config import credentials as creds
    from c2m_tui.config import profiles as prof

    if args.set_default:
        prof.set_default_profile(args.set_default)
        if not args.json:
            print(f"default profile: {args.set_default}")
    current = os.environ.get(prof.PROFILE_ENV, "").strip() or prof.default_profile_name()
    rows = [
        {
            "name": p.name,
            "environment": p.environment,
            "base_url": p.base_url,
            "username": creds.effective_username(p),
            "secret_source": creds.secret_source(p),
            "default": p.name == current,
        }
        for p in prof.load_profiles().values()
    ]
    if args.json:
        print_json(rows)
        return 0
    _print_table(rows)
    status = creds.keyring_status()
    if status.usable:
        print(f"keyring: {status.backend}")
    else:
        print(f"keyring: not usable: {status.problem}")
    if os.environ.get(prof.PROFILE_ENV, "").strip():
        print(f"* = chosen by {prof.PROFILE_ENV} (used when no --profile is given)")
    else:
        print("* = default (used when no --profile is given)")
    return 0


def _print_table(rows: list[dict]) -> None:
    headers = ("", "NAME", "ENVIRONMENT", "BASE URL", "USERNAME", "PASSWORD FROM")
    table = [
        ("*" if r["default"] else "", r["name"], r["environment"], r["base_url"], r["username"] or "-", r["secret_source"])
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in (headers, *table)) for i in range(len(headers))]
    for row in (headers, *table):
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
