"""Regenerate the PSP corpus's golden files from the real mod_python (a maintainer's tool).

    python tests/psp/corpus_golden.py code            # X.code: the real _psp's translation
    python tests/psp/corpus_golden.py html PORT       # X.html: the page as a real Apache
                                                      # serving tests/psp/corpus/ sends it

``code`` runs Debian's Python with the installed ``mod_python._psp`` C extension (the flex
scanner) on every ``*.psp`` under ``corpus/``. ``html`` fetches every page that is not
``broken_*`` from an oracle instance (``../shared/oracle/serve.sh``) whose document root is a
world-readable copy of ``corpus/`` configured as ``tests/oracle/psp/site.conf`` describes.
The goldens are inputs of ``test_corpus.py``; they are never written by the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
SYSTEM_PYTHON = "/usr/bin/python3"
REAL_PACKAGES = "/usr/lib/python3/dist-packages"

# Run by the system Python: translate each (name, directory) with the C scanner. The scanner
# echoes comments to its stdout, so the answers go to the file named by argv[1].
_REAL_TRANSLATOR = f"""
import json, sys
sys.path.insert(0, {REAL_PACKAGES!r})
from mod_python import _psp
answers = {{}}
for name, directory in json.load(sys.stdin):
    try:
        answers[directory + name] = _psp.parse(name, directory)
    except Exception as error:
        answers[directory + name] = None
json.dump(answers, open(sys.argv[1], "w"))
"""


def templates() -> list[Path]:
    """Every corpus page, sorted."""
    return sorted(CORPUS.rglob("*.psp"))


def write_code_goldens() -> None:
    pages = [(page.name, f"{page.parent}/") for page in templates()]
    answers_file = CORPUS.parent / ".real_psp_answers.json"
    subprocess.run(
        [SYSTEM_PYTHON, "-c", _REAL_TRANSLATOR, str(answers_file)],
        input=json.dumps(pages), text=True, capture_output=True, check=True,
    )  # fmt: skip
    answers = json.loads(answers_file.read_text())
    answers_file.unlink()
    for page in templates():
        code = answers[str(page)]
        if code is None:
            print(f"{page.name}: the real parser raised; no golden written", file=sys.stderr)
            continue
        page.with_suffix(".code").write_bytes(code.encode("utf-8"))


def write_html_goldens(port: int) -> None:
    for page in templates():
        if page.name.startswith("broken_"):
            continue
        url = f"http://127.0.0.1:{port}/{page.relative_to(CORPUS).as_posix()}"
        with urllib.request.urlopen(url) as response:
            page.with_suffix(".html").write_bytes(response.read())


if __name__ == "__main__":
    if sys.argv[1:2] == ["code"]:
        write_code_goldens()
    elif sys.argv[1:2] == ["html"] and len(sys.argv) == 3:
        write_html_goldens(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
