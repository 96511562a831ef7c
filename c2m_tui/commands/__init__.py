"""One module a CLI command: HELP, add_arguments(parser), run(args) -> int."""
