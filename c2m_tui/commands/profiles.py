"""c2m-tui profiles [--json] [--set-default NAME] | profiles add NAME --base-url URL [--username USER]"""

from __future__ import annotations

HELP = "list profiles and where each one's password comes from"
DESCRIPTION = (
    "List the profiles (demo, staging, production and your own) with their server, username and where "
    "the password would come from now: environment (C2M_USERNAME/C2M_PASSWORD), keyring, demo (the "
    "simulator's public demo/demo) or none. --set-default NAME changes the profile used without "
    "--profile (never a production one: production is chosen for each run). "
    "`profiles add NAME --base-url URL --username USER` makes (or changes) a profile of your own without "
    "a password and without a keyring: the password then comes from C2M_PASSWORD, the keyring after "
    "`c2m-tui login --profile NAME`, or is typed in the app (or at a command's prompt on a terminal) each run."
)


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true",
                        help='print a JSON list of {"name","environment","base_url","username","secret_source","default"}')
    parser.add_argument("--set-default", metavar="NAME", help="make NAME the default profile (refused for production)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    add = actions.add_parser("add", help="make or change a profile of your own (no password is stored)",
                             description="Make or change profile NAME: its server and username, never a password.")
    add.add_argument("name", metavar="NAME", help="the profile's name (letters, digits, '.', '_', '-')")
    add.add_argument("--base-url", dest="add_base_url", metavar="URL", required=True,
                     help="the API base URL, e.g. https://stage-batch.click2mail.com/v1")
    add.add_argument("--username", dest="add_username", metavar="USER", help="the account name on that server")


def run(args) -> int:
    import os

    from c2m_tui.commands._common import print_json
    from c2m_tui.config import credentials as creds
    from c2m_tui.config import profiles as prof

    if getattr(args, "action", None) == "add":
        return _add(args, prof)
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


def _add(args, prof) -> int:
    from c2m_tui.core.errors import UsageError

    name = prof.check_profile_name(args.name)
    if name in prof.BUILTINS and name != "demo" and prof.normalize_base_url(args.add_base_url) != prof.BUILTINS[name].base_url:
        raise UsageError(f"{name} is a built-in profile with a fixed server: choose another name")
    existing = prof.load_profiles().get(name)
    username = args.add_username or (existing.username if existing else None)
    profile = prof.save_profile(prof.Profile(name, args.add_base_url, username, "custom"))
    user = f" as {profile.username}" if profile.username else " (no username yet: give --username, or C2M_USERNAME)"
    print(f"profile {profile.name}: {profile.base_url} ({profile.environment}){user}")
    print(f"password: not stored. It comes from C2M_PASSWORD, or the keyring after `c2m-tui login --profile {name}`, "
          f"or is asked each run (`c2m-tui --profile {name}`)")
    return 0
