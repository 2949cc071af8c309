"""JUnit XML for CI test reporters (GitLab `artifacts:reports:junit`, Jenkins, Azure).

    <testsuites name="archrules">
      <testsuite name="app/x.py" tests="2" failures="2" errors="0" skipped="0">
        <testcase classname="app/x.py" name="BG-010 at 2:9">
          <failure type="warning" message="...">app/x.py:2:9: BG-010 [warning] ...</failure>
        </testcase>
        ...
        <system-out>notes on the file</system-out>
      </testsuite>
    </testsuites>

One testsuite per checked file: each is rendered where the file was checked and
written as it arrives (memory stays flat, as with every other format), and the suite
name is the path reporters link to. Every finding is a failing testcase (its type
the severity); a file without findings is one passing testcase, so a clean run
shows what was checked. Paths are relative to the current folder. Rule-file
problems and skipped files go to stderr as text.

XML 1.0 cannot hold most control characters, even escaped: those from file names or
rule messages are written as visible escapes (`\\x1b`); names that are not UTF-8
hold U+FFFD."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from ..report import Format
from .rdjson import cwd_path
from .records import valid_text

# what XML 1.0 forbids (tab, LF and CR are allowed); lone surrogates are gone after valid_text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(_visible, valid_text(text))


def attr(text: str) -> str:
    """A quoted attribute value (line breaks kept as character references)."""
    return quoteattr(xml_safe(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def content(text: str) -> str:
    return escape(xml_safe(text))


class JunitRenderer:
    def __init__(self, root: str, cwd: str):
        self.root, self.cwd = root, cwd

    def __call__(self, rel, findings, notes, baselined=None) -> str:
        path = cwd_path(self.root, rel, self.cwd)
        cases = []
        for i, f in enumerate(findings):
            if baselined is not None and baselined[i]:
                continue  # a held finding is not a failure
            line, col = f.span.line + 1, f.span.column + 1
            severity = f.severity.value
            cases.append(f"    <testcase classname={attr(path)} name={attr(f'{f.rule_id} at {line}:{col}')}>"
                         f"<failure type={attr(severity)} message={attr(f.message)}>"
                         f"{content(f'{path}:{line}:{col}: {f.rule_id} [{severity}] {f.message}')}"
                         "</failure></testcase>\n")
        failures = len(cases)
        if not cases:
            cases.append(f"    <testcase classname={attr(path)} name=\"archrules\"/>\n")
        out = (f"  <testsuite name={attr(path)} tests=\"{len(cases)}\" failures=\"{failures}\" "
               f"errors=\"0\" skipped=\"0\">\n{''.join(cases)}")
        if notes:
            lines = "".join(f"{path}:{n.span.line + 1}:{n.span.column + 1}: note: {n.message}\n" for n in notes)
            out += f"    <system-out>{content(lines)}</system-out>\n"
        return out + "  </testsuite>\n"


class JunitFormat(Format):
    def renderer(self):
        return JunitRenderer(str(self.state.project.root), self.state.cwd)

    def begin(self) -> None:
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="archrules">\n')

    def end(self) -> None:
        self.out.write("</testsuites>\n")


FORMAT = JunitFormat
