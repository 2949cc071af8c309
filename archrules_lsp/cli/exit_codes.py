"""The exit status of `archrules`, in one place (docs/cli.md, "Exit status").

Its own module so that `main` and the subcommands both import it and neither imports
the other."""

EXIT_OK = 0  # no finding at or above --fail-on
EXIT_FINDINGS = 1  # at least one such finding (0 with --exit-zero)
EXIT_USAGE = 2  # usage, configuration or rule-file error; a fix that could not be written
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
