"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=BG-001::message`.

error -> `::error`, warning -> `::warning`, info and hint -> `::notice`. Paths are
relative to the current folder (the workspace root in a workflow). Rule-file errors
are annotations on the rule file."""

from __future__ import annotations

import os

from ..console import display_path
from ..file_report import one_based
from ..report import Format, severity_name

COMMAND = {"error": "error", "warning": "warning", "info": "notice", "hint": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, path: str, line: int, col: int, end_line: int | None, end_col: int | None,
               title: str, message: str) -> str:
    props = [f"file={escape_property(path)}", f"line={line}", f"col={col}"]
    if end_line is not None:
        props.append(f"endLine={end_line}")
    if end_col is not None:
        props.append(f"endColumn={end_col}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}\n"


class GithubFormat(Format):
    # rule-file problems: annotations on stdout, and text on stderr (the log) as usual

    def begin(self) -> None:
        project = self.state.project
        for problem in project.config_problems:
            self.out.write(f"::error title=archrules configuration::{escape_data(problem)}\n")
        for p in project.missing_rule_paths:
            self.out.write(annotation("error", display_path(str(p), self.state.cwd), 1, 1, None, None,
                                      "archrules rule file", "rule file not found"))
        for e in project.ruleset.errors:
            self.out.write(annotation(COMMAND[severity_name(e.severity)], display_path(e.path, self.state.cwd),
                                      e.span.line + 1, e.span.column + 1, None, None,
                                      e.rule_id or "archrules rule file", e.message))

    def renderer(self):
        return GithubRenderer(str(self.state.project.root), self.state.cwd)


class GithubRenderer:
    def __init__(self, root: str, cwd: str):
        self.root, self.cwd = root, cwd

    def __call__(self, rel: str, findings, notes) -> str:
        path = display_path(os.path.join(self.root, rel), self.cwd)
        out = []
        for f in findings:
            line, col, end_line, end_col = one_based(f.span)
            # GitHub takes endColumn only on one-line ranges
            out.append(annotation(COMMAND[f.severity.value], path, line, col, end_line,
                                  end_col if end_line == line else None, f.rule_id, f.message))
        return "".join(out)


FORMAT = GithubFormat
