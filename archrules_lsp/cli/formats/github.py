"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=BG-001::message`.

error -> `::error`, warning -> `::warning`, info and hint -> `::notice`. Paths are
relative to the current folder (the workspace root in a workflow). Rule-file errors
are annotations on the rule file."""

from __future__ import annotations

from ..console import display_path
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
    reports_load_problems_itself = True

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

    def file(self, rel, rows) -> None:
        path = display_path(str(self.state.project.root / rel), self.state.cwd)
        for f in rows.findings:
            # GitHub takes endColumn only on one-line ranges
            end_col = f.end_column if f.end_line == f.line else None
            self.out.write(annotation(COMMAND[f.severity], path, f.line, f.column, f.end_line, end_col,
                                      f.rule, f.message))


FORMAT = GithubFormat
