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
Rule-file problems, skipped files and engine notes go to stderr as text."""

from __future__ import annotations

import hashlib

from ...project.baseline import finding_entries
from .json_writer import StreamedList, compact
from .rdjson import DocumentWithNotes, checked_text, cwd_path, notes_as_text

SEVERITY = {"error": "major", "warning": "minor", "info": "info", "hint": "info"}


def fingerprint(entry) -> str:
    key = "\0".join([entry.rule, entry.path, entry.kind, entry.what, str(entry.occurrence)])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class GitlabRenderer:
    def __init__(self, root: str, cwd: str):
        self.root, self.cwd = root, cwd

    def __call__(self, rel, findings, notes, baselined=None) -> tuple[list[str], str]:
        if baselined is not None:  # GitLab has no notion of a held finding
            findings = [f for f, old in zip(findings, baselined, strict=True) if not old]
        path = cwd_path(self.root, rel, self.cwd)
        if not findings:
            return [], notes_as_text(path, notes)
        entries = finding_entries(rel, checked_text(self.root, rel), findings)
        return [compact({"type": "issue", "check_name": f.rule_id, "description": f.message,
                         "severity": SEVERITY[f.severity.value], "fingerprint": fingerprint(entry),
                         "location": {"path": path, "lines": {"begin": f.span.line + 1,
                                                              "end": f.span.end_line + 1}}})
                for f, entry in zip(findings, entries, strict=True)], notes_as_text(path, notes)


class GitlabFormat(DocumentWithNotes):
    def renderer(self):
        return GitlabRenderer(str(self.state.project.root), self.state.cwd)

    def begin(self) -> None:
        self.items = StreamedList(self.out, "  ", 0)

    def end(self) -> None:
        self.items.close()
        self.out.write("\n")


FORMAT = GitlabFormat
