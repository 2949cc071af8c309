import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wcmatch import glob as wc

from archrules_lsp.engine.globs import Glob, GlobError


def test_double_star_spans_zero_or_more_folders():
    g = Glob("app/api/v1/**/marketplace.py")
    assert g.matches("app/api/v1/marketplace.py")
    assert g.matches("app/api/v1/admin/marketplace.py")
    assert g.matches("app/api/v1/admin/deep/marketplace.py")
    assert not g.matches("app/api/v2/marketplace.py")


def test_single_star_never_crosses_a_folder():
    g = Glob("static/admin/js/*.js")
    assert g.matches("static/admin/js/tasks.js")
    assert not g.matches("static/admin/js/vendor/x.js")
    assert not Glob("models/database/*_job.py").matches("models/database/old/export_job.py")


def test_question_mark_is_one_character_but_never_a_slash():
    g = Glob("app/v?/x.py")
    assert g.matches("app/v1/x.py")
    assert not g.matches("app/v12/x.py")
    assert not Glob("a?b").matches("a/b")


def test_literal_path_and_leading_dot_slash():
    assert Glob("models/database/test_run.py").matches("models/database/test_run.py")
    assert Glob("./models/*.py").matches("models/a.py")
    assert not Glob("models/database/test_run.py").matches("x/models/database/test_run.py")


def test_braces_and_classes():
    g = Glob("static/**/*.{js,ts}")
    assert g.matches("static/a/b.ts") and g.matches("static/b.js")
    assert not g.matches("static/b.py")
    assert Glob("app/v[0-9]/x.py").matches("app/v3/x.py")
    assert not Glob("app/v[!0-9]/x.py").matches("app/v3/x.py")
    assert Glob("**/.github/*.yml").matches(".github/ci.yml")  # names starting with `.` are not special


def test_too_many_brace_expansions_is_a_glob_error():
    with pytest.raises(GlobError):
        Glob("{a,b}" * 10 + "/*.py")  # 1,024 patterns


# The glob translation against wcmatch, which it stands in for (engine/globs.py). Paths
# are what Glob is given: root-relative file paths (no `.`/`..` segments, no empty ones).
_GLOB_TOKEN = st.sampled_from([*"ab.-/*?[]!^{},\\:", "**", "/**/", "[a-b]", "{a,b}", "[[:alpha:]]", "{1..3}"])
_SEGMENT = st.text(st.sampled_from(list("ab.-[]{},*?!^1")), min_size=1, max_size=5).filter(
    lambda s: s not in (".", ".."))
_PATH = st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join)


def _wcmatch(pattern: str):
    p = pattern[2:] if pattern.startswith("./") else pattern
    return wc.compile([p.lstrip("/")], flags=wc.GLOBSTAR | wc.DOTGLOB | wc.BRACE).match


@pytest.mark.filterwarnings("ignore::FutureWarning")  # wcmatch's own regexes for `[[...`
@settings(max_examples=3000, deadline=None)
@given(pattern=st.lists(_GLOB_TOKEN, min_size=1, max_size=12).map("".join), paths=st.lists(_PATH, max_size=8))
def test_translation_equals_wcmatch(pattern, paths):
    if not pattern.strip():
        return
    try:
        reference = _wcmatch(pattern)
    except Exception:
        with pytest.raises(GlobError):
            Glob(pattern)
        return
    glob = Glob(pattern)
    for path in paths:
        assert glob.matches(path) == bool(reference(path)), (pattern, path)
    # the paths the glob names, with its wildcards filled in, must agree too
    filled = pattern.replace("**", "a/b").replace("*", "ab").replace("?", "a")
    if all(segment not in ("", ".", "..") for segment in filled.split("/")):
        assert glob.matches(filled) == bool(reference(filled)), (pattern, filled)


def test_usual_globs_need_no_wcmatch():
    """A check's start-up does not pay for importing wcmatch (a process of its own: a clean sys.modules)."""
    code = ("import sys; from archrules_lsp.engine.globs import Glob; "
            "[Glob(g) for g in ('**/*.py', 'app/api/v1/**/marketplace.py', 'static/**/*.{js,ts}', 'x/[!_]*.py')]; "
            "print('wcmatch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
