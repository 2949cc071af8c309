"""Human output, ruff-like: `path:line:col: BG-010 [warning] message`, then a summary line.

Findings go to stdout; rule-file errors (printed first) and skipped files go to stderr.
Everything from a file name or a rule file is printed through `printable`.
"""

from __future__ import annotations

import os

from ..console import SEVERITY_STYLE, Painter, display_path, printable, wants_color
from ..report import Format


def one_line(message: str) -> str:
    """A finding is one line of output (`path:line:col: ...`, what CI problem matchers
    parse): a message written over several lines is joined with spaces, then made printable."""
    if "\n" in message or "\r" in message:
        message = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return printable(message)


class TextRenderer:
    """One file's findings and notes as text lines (picklable: runs in the scan's workers)."""

    def __init__(self, root: str, cwd: str, color: bool, show_suggestions: bool):
        self.root, self.cwd, self.color, self.show_suggestions = root, cwd, color, show_suggestions

    def __call__(self, rel: str, findings, notes, baselined=None) -> str:
        p = Painter(self.color)
        path = p(display_path(os.path.join(self.root, rel), self.cwd), "bold")
        colon = p(":", "cyan")
        out: list[str] = []
        suggested: set[str] = set()
        for i, f in enumerate(findings):
            severity = f.severity.value
            mark = p(" (baselined)", "dim") if baselined is not None and baselined[i] else ""
            out.append(f"{path}{colon}{f.span.line + 1}{colon}{f.span.column + 1}{colon} "
                       f"{p(printable(f.rule_id), SEVERITY_STYLE[severity])} [{severity}] {one_line(f.message)}"
                       f"{mark}\n")
            if self.show_suggestions and f.suggestion and f.rule_id not in suggested:
                suggested.add(f.rule_id)
                out.extend(f"    {p('|', 'dim')} {printable(line)}\n" for line in f.suggestion.rstrip().splitlines())
        for n in notes:
            out.append(f"{path}{colon}{n.span.line + 1}{colon}{n.span.column + 1}{colon} "
                       f"{p('note', 'cyan')}: {one_line(n.message)}\n")
        return "".join(out)


class TextFormat(Format):
    baselined_in_output = True  # end() prints the baselined line
    def renderer(self):
        if self.options.statistics:
            return None
        return TextRenderer(str(self.state.project.root), self.state.cwd,
                            wants_color(self.out, self.options.color), self.options.show_suggestions)

    def begin(self) -> None:
        self.paint = Painter(wants_color(self.out, self.options.color))

    def end(self) -> None:
        state, write = self.state, self.out.write
        if self.options.statistics:
            self._statistics()
        if self.options.quiet:
            return
        if state.fixing:
            write(state.fixed_line() + "\n")
        line = state.summary_line()
        failed = state.project.failure_line()
        write(self.paint(line, "bold" if state.total or failed else "green") + "\n")
        if state.total and failed:  # the findings of the rules that did load; say what did not
            write(self.paint(failed, "bold") + "\n")
        baselined = state.baselined_line()
        if baselined is not None:
            write(printable(baselined) + "\n")

    def _statistics(self) -> None:
        """One line per rule: count, id, severity, name; most findings first."""
        state, p = self.state, self.paint
        if not state.by_rule:
            return
        width = max(len(str(c)) for c in state.by_rule.values())
        id_width = max(len(r) for r in state.by_rule)
        for rule_id, count in sorted(state.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            rule = state.ruleset.get(rule_id)
            severity = rule.severity.value if rule is not None else "hint"
            name = rule.name if rule is not None else "unused suppression comment"
            self.out.write(f"{count:>{width}}  {p(printable(rule_id).ljust(id_width), SEVERITY_STYLE[severity])}  "
                           f"[{severity}] {printable(name)}\n")


FORMAT = TextFormat
