"""c2m-tui logout [--profile P] [--username U]"""

from __future__ import annotations

import argparse

HELP = "remove a profile's password from the OS keyring"
DESCRIPTION = (
    "Delete the password that `c2m-tui login` kept in the OS keyring for the profile (and user). "
    "The profile and its username stay. Exit 0 ok (also when nothing was stored), 3 no usable keyring."
)


def add_arguments(parser) -> None:
    parser.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS,
                        help="profile to log out of (default: the configured default)")
    parser.add_argument("--username", metavar="USER", help="account (default: the profile's, or C2M_USERNAME)")


def run(args) -> int:
    import sys

    from c2m_tui.config import credentials as creds
    from c2m_tui.config.profiles import get_profile

    profile = get_profile(getattr(args, "profile", None))
    username = creds.effective_username(profile, args.username)
    if not username:
        print(f"nothing to remove: profile {profile.name} has no username")
        return 0
    if creds.delete_password(profile, username):
        print(f"logged out: removed the password for {username} on profile {profile.name} from the OS keyring")
    else:
        print(f"nothing to remove: no password for {username} on profile {profile.name} in the OS keyring")
    if creds._env(creds.PASSWORD_ENV):
        print(f"note: {creds.PASSWORD_ENV} is still set in this shell and still provides a password",
              file=sys.stderr)
    return 0
