"""The user documentation that is generated from code stays in step with it."""

from pathlib import Path

from mod_python._engine.config.reference import render_reference

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_directive_reference_is_current():
    committed = (DOCS / "directives.md").read_text(encoding="utf-8")
    assert committed == render_reference(), (
        "docs/directives.md is stale: run "
        "python -m mod_python._engine.config.reference > docs/directives.md"
    )


def test_directive_reference_lists_every_python_directive():
    text = (DOCS / "directives.md").read_text(encoding="utf-8")
    for name in ("PythonHandler", "PythonOption", "PythonImport", "PythonInterpPerDirective",
                 "PythonHandlerModule", "PythonOptimize", "PythonEnablePdb"):  # fmt: skip
        assert f"| `{name}` |" in text
