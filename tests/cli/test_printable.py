"""`printable`: what the CLI prints of untrusted text (file names, messages, rule ids)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from archrules_lsp.cli.console import _UNSAFE, _UNSAFE_BUT_LINE_BREAKS, printable

TEXTS = st.text(alphabet=st.characters(exclude_categories=()), max_size=40) | st.text(
    alphabet="ab \t\r\n\x00\x1b\x7f\x85\u202e\udcff()é", max_size=20)


@given(text=TEXTS)
def test_nothing_unsafe_is_left_and_safe_text_is_unchanged(text):
    for keep_line_breaks, unsafe in ((False, _UNSAFE), (True, _UNSAFE_BUT_LINE_BREAKS)):
        shown = printable(text, keep_line_breaks)
        assert re.search(unsafe, shown) is None
        assert (shown == text) == (re.search(unsafe, text) is None)


def test_escapes():
    assert printable("a\x1b[31mb\n") == "a\\x1b[31mb\\n"
    assert printable("a\r\n\t", keep_line_breaks=True) == "a\r\n\\t"
    assert printable("plain ascii: (x) [y] ~") == "plain ascii: (x) [y] ~"
    assert printable("\u202eevil\udcff") == "\\u202eevil\\xff"
