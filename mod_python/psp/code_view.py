"""The debug view of a page: generated Python beside the template, as an HTML table.

``PSP.display_code`` (and the handler, for ``page.psp_`` with PythonDebug On) writes one row
per generated line: its number, the Python line in blue, the template line with the same
number in green, every line HTML-escaped with tabs as four spaces and spaces as ``&nbsp;``.
"""

from __future__ import annotations

import os
from html import escape

from . import parser


def _cell_text(line: str) -> str:
    return escape(line).replace("\t", " " * 4).replace(" ", "&nbsp;")


def code_view_rows(filename: str) -> list[tuple[str, str, str]]:
    """(number, python line, template line) cells for every line of generated code."""
    with open(filename, encoding="utf-8") as template_file:
        template_lines = [line.rstrip() for line in template_file.read().splitlines()]
    directory, name = os.path.split(filename)
    generated = parser.translate_file(name, os.path.join(directory, ""))[0]
    rows = []
    for number, python_line in enumerate(generated.splitlines(), start=1):
        template_line = template_lines[number - 1] if number <= len(template_lines) else ""
        rows.append(
            (
                f"{number}.&nbsp;",
                f"<font color=blue>{_cell_text(python_line.rstrip())}</font>",
                f"&nbsp;<font color=green>{_cell_text(template_line)}</font>",
            )
        )
    return rows


def write_code_view(req, filename: str) -> None:
    """Write the side-by-side table for the page file ``filename`` to ``req``."""
    req.write("<table>\n<tr>")
    for heading in ("", "&nbsp;PSP-produced Python Code:", f"&nbsp;{filename}:"):
        req.write(f"<td><tt>{heading}</tt></td>")
    req.write("</tr>\n")
    for row in code_view_rows(filename):
        req.write("<tr>" + "".join(f"<td><tt>{cell}</tt></td>" for cell in row) + "</tr>\n")
    req.write("</table>\n")
