"""Human output, ruff-like: `path:line:col: BG-010 [warning] message`, then a summary line.

Findings go to stdout; rule-file errors (printed first) and skipped files go to stderr.
"""

from __future__ import annotations

import os

from ..console import Painter, SEVERITY_STYLE, display_path, wants_color
from ..report import Format, severity_name


def one_line(message: str) -> str:
    """A finding is one line of output (`path:line:col: ...`, what CI problem matchers
    parse): a message written over several lines is joined with spaces."""
    if "\n" not in message and "\r" not in message:
        return message
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


class TextRenderer:
    """One file's findings and notes as text lines (picklable: runs in the scan's workers)."""

    def __init__(self, root: str, cwd: str, color: bool, show_suggestions: bool):
        self.root, self.cwd, self.color, self.show_suggestions = root, cwd, color, show_suggestions

    def __call__(self, rel: str, findings, notes) -> str:
        p = Painter(self.color)
        path = p(display_path(os.path.join(self.root, rel), self.cwd), "bold")
        colon = p(":", "cyan")
        out: list[str] = []
        suggested: set[str] = set()
        for f in findings:
            severity = f.severity.value
            out.append(f"{path}{colon}{f.span.line + 1}{colon}{f.span.column + 1}{colon} "
                       f"{p(f.rule_id, SEVERITY_STYLE[severity])} [{severity}] {one_line(f.message)}\n")
            if self.show_suggestions and f.suggestion and f.rule_id not in suggested:
                suggested.add(f.rule_id)
                out.extend(f"    {p('|', 'dim')} {line}\n" for line in f.suggestion.rstrip().splitlines())
        for n in notes:
            out.append(f"{path}{colon}{n.span.line + 1}{colon}{n.span.column + 1}{colon} "
                       f"{p('note', 'cyan')}: {n.message}\n")
        return "".join(out)


class TextFormat(Format):
    def renderer(self):
        if self.options.statistics:
            return None
        return TextRenderer(str(self.state.project.root), self.state.cwd,
                            wants_color(self.out, self.options.color), self.options.show_suggestions)

    def begin(self) -> None:
        self.paint = Painter(wants_color(self.out, self.options.color))

    def end(self) -> None:
        state, p, write = self.state, self.paint, self.out.write
        if self.options.statistics and state.by_rule:
            width = max(len(str(c)) for c in state.by_rule.values())
            id_width = max(len(r) for r in state.by_rule)
            for rule_id, count in sorted(state.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                rule = state.ruleset.get(rule_id)
                severity = severity_name(rule.severity) if rule is not None else "hint"
                name = rule.name if rule is not None else "unused suppression comment"
                write(f"{count:>{width}}  {p(rule_id.ljust(id_width), SEVERITY_STYLE.get(severity, 'dim'))}  "
                      f"[{severity}] {name}\n")
        if self.options.quiet:
            return
        if state.fixing:
            write(f"Fixed {state.fixed} finding{'' if state.fixed == 1 else 's'} in "
                  f"{state.files_fixed} file{'' if state.files_fixed == 1 else 's'}.\n")
        line = state.summary_line()
        write((p(line, "green") if not state.total else p(line, "bold")) + "\n")


FORMAT = TextFormat
