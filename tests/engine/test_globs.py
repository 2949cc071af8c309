from archrules_lsp.engine.globs import Glob


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
