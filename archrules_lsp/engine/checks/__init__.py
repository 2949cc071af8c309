"""One module per kind of check. Each takes a FileContext and yields RawFindings;
evaluate.py adds severity, suggestion, suppressions and suppression fixes."""

from .context import FileContext, RawFinding

__all__ = ["FileContext", "RawFinding"]
