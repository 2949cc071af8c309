"""GitHub Actions workflow commands:
`::error file=...,line=...,col=...,endLine=...,endColumn=...,title=BG-001::message`.

error -> `::error`, warning -> `::warning`, info and hint -> `::notice`. Paths are
relative to the current folder (the workspace root in a workflow). Rule-file problems
are annotations on the rule file, here only (not as text on stderr as well: a workflow
log shows both streams).

Escaping, so that no file name or rule text can end a command early or start another:
control characters first (`printable`, as every human-readable format), then GitHub's
own rules: `%`, CR and LF in the message; also `:` and `,` in properties."""

from __future__ import annotations

import os

from ..console import display_path, printable
from ..file_report import one_based
from ..report import Format

COMMAND = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def escape_data(text: str) -> str:
    return printable(text, keep_line_breaks=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, path: str | None, line: int | None, col: int | None, end_line: int | None,
               end_col: int | None, title: str, message: str) -> str:
    """One workflow command; `path` is printed as given (already relative), None for no file."""
    props = [] if path is None else [f"file={escape_property(path)}"]
    for name, value in (("line", line), ("col", col), ("endLine", end_line), ("endColumn", end_col)):
        if value is not None:
            props.append(f"{name}={value}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}\n"


class GithubFormat(Format):
    load_problems_on_stderr = False  # begin() annotates them

    def begin(self) -> None:
        for problem in self.state.project.load_problems:
            path = display_path(problem.path, self.state.cwd) if problem.path else None
            line = problem.line if problem.line is not None else (1 if path else None)
            title = problem.rule_id or f"archrules {problem.about}"
            self.out.write(annotation(COMMAND[problem.severity], path, line, problem.column, None, None,
                                      title, problem.message))

    def renderer(self):
        return GithubRenderer(str(self.state.project.root), self.state.cwd)


class GithubRenderer:
    def __init__(self, root: str, cwd: str):
        self.root, self.cwd = root, cwd

    def __call__(self, rel: str, findings, notes, baselined=None) -> str:
        path = display_path(os.path.join(self.root, rel), self.cwd)
        out = []
        for i, f in enumerate(findings):
            line, col, end_line, end_col = one_based(f.span)
            old = baselined is not None and baselined[i]
            # GitHub takes endColumn only on one-line ranges
            out.append(annotation("notice" if old else COMMAND[f.severity.value], path, line, col, end_line,
                                  end_col if end_line == line else None,
                                  f"{f.rule_id} (baselined)" if old else f.rule_id, f.message))
        return "".join(out)


FORMAT = GithubFormat
