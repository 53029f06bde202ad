"""The directive reference of docs/directives.md, rendered from the registry.

    python -m mod_python._engine.config.reference > docs/directives.md

A test checks the committed page against this output, so the page cannot fall behind.
"""

from __future__ import annotations

from .directives import HTACCESS, REGISTRY, SECTION, SERVER, DirectiveSpec

_GROUPS = (
    ("python_directives", "mod_python's directives"),
    ("httpd_directives", "Apache httpd directives reproduced"),
    ("wsgi_directives", "mod_wsgi's directives"),
    ("unsupported", "Accepted without their effect"),
)

_INTRO = """\
# Configuration directives

Every directive the engine reads, generated from its directive registry
(`python -m mod_python._engine.config.reference`). A directive not listed here is a
configuration error naming the file and line, as in httpd ("Invalid command ...").

Contexts: *server* is the main configuration and `<VirtualHost>`; *section* is
`<Directory>`, `<Location>`, `<Files>` and their `*Match` forms; *.htaccess* needs the
AllowOverride class shown (or the directive named in `AllowOverrideList`).

Directives marked *warns* are accepted but their module is not emulated: the server logs a
warning naming file and line at start-up, and `mod_python check` prints it.
"""


def _contexts(spec: DirectiveSpec) -> str:
    names = []
    for context, label in ((SERVER, "server"), (SECTION, "section"), (HTACCESS, ".htaccess")):
        if context in spec.contexts and (context != HTACCESS or spec.override is not None):
            names.append(label)
    return ", ".join(names)


def _arguments(spec: DirectiveSpec) -> str:
    if spec.max_args is None:
        return f"{spec.min_args}+"
    if spec.min_args == spec.max_args:
        return str(spec.min_args)
    return f"{spec.min_args}-{spec.max_args}"


def _override(spec: DirectiveSpec) -> str:
    if spec.override is None or HTACCESS not in spec.contexts:
        return "-"
    return "any" if spec.override == "all" else spec.override.capitalize().replace(
        "Authconfig", "AuthConfig").replace("Fileinfo", "FileInfo")  # fmt: skip


def render_reference() -> str:
    lines = [_INTRO]
    for module, title in _GROUPS:
        specs = sorted(
            (spec for spec in REGISTRY.values() if spec.apply.__module__.endswith(module)),
            key=lambda spec: spec.name.lower(),
        )
        lines.append(f"\n## {title} ({len(specs)})\n")
        lines.append("| Directive | Arguments | Contexts | .htaccess class | Note |")
        lines.append("|---|---|---|---|---|")
        for spec in specs:
            note = f"warns: {spec.warning}" if spec.warning else ""
            lines.append(
                f"| `{spec.name}` | {_arguments(spec)} | {_contexts(spec)} | {_override(spec)} "
                f"| {note} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_reference(), end="")
