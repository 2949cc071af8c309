"""GitLab Code Quality report: a JSON array of issues.

    [{"type": "issue", "check_name", "description", "severity", "fingerprint",
      "location": {"path", "lines": {"begin", "end"}}}]

error -> major, warning -> minor, info and hint -> info (GitLab's scale also has
critical and blocker; nothing of ours is meant to block like those). The fingerprint
is a SHA-256 of the finding's baseline key (rule, root-relative path, what it is
about: the line's text with whitespace normalised, or the missing item, and its
occurrence; see project/baseline.py): no line number, so a finding keeps its
fingerprint when lines move above it, and GitLab tells new findings from old ones.
Paths are relative to the current folder (the repository root in a CI job).
Rule-file problems and skipped files go to stderr as text."""

from __future__ import annotations

import hashlib

from ...project.baseline import finding_entries
from ..report import Format
from .json_writer import StreamedList, compact
from .rdjson import checked_text, cwd_path

SEVERITY = {"error": "major", "warning": "minor", "info": "info", "hint": "info"}


def fingerprint(entry) -> str:
    key = "\0".join([entry.rule, entry.path, entry.kind, entry.what, str(entry.occurrence)])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class GitlabRenderer:
    def __init__(self, root: str, cwd: str):
        self.root, self.cwd = root, cwd

    def __call__(self, rel, findings, notes, baselined=None) -> list[str]:
        if baselined is not None:  # GitLab has no notion of a held finding
            findings = [f for f, old in zip(findings, baselined, strict=True) if not old]
        if not findings:
            return []
        entries = finding_entries(rel, checked_text(self.root, rel), findings)
        path = cwd_path(self.root, rel, self.cwd)
        return [compact({"type": "issue", "check_name": f.rule_id, "description": f.message,
                         "severity": SEVERITY[f.severity.value], "fingerprint": fingerprint(entry),
                         "location": {"path": path, "lines": {"begin": f.span.line + 1,
                                                              "end": f.span.end_line + 1}}})
                for f, entry in zip(findings, entries, strict=True)]


class GitlabFormat(Format):
    def renderer(self):
        return GitlabRenderer(str(self.state.project.root), self.state.cwd)

    def begin(self) -> None:
        self.issues = StreamedList(self.out, "  ", 0)

    def file(self, rel, payload) -> None:
        for issue in payload:
            self.issues.add(issue)

    def end(self) -> None:
        self.issues.close()
        self.out.write("\n")


FORMAT = GitlabFormat
