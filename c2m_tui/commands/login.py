"""Placeholder until this command is built."""

HELP = "(not built yet)"


def add_arguments(parser):
    pass


def run(args):
    from c2m_tui.core.errors import UsageError

    raise UsageError("this command is not built yet")
