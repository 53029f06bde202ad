"""Time parse + build of a realistic 2,000-line Apache configuration (target: < 100 ms).

The generated config looks like a busy multi-site server: modules, conditionals, log
formats, then virtual hosts each with aliases, nested <Directory>/<Location>/<Files>
sections, stacked Python*Handler lines, auth, headers, comments and continuation lines.

    python benchmarks/config_parse.py [--lines 2000] [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

from mod_python._engine.app import Engine  # noqa: F401 - imports the config package in order
from mod_python._engine.config.parser import parse_config
from mod_python._engine.config.server import load_config_text

HEAD = """\
# Generated benchmark configuration
ServerRoot "/srv/bench"
ServerName bench.example.com
ServerAdmin ops@example.com
Listen 80
Listen 8080
Timeout 60
KeepAlive On
KeepAliveTimeout 5
LoadModule python_module /usr/lib/apache2/modules/mod_python.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule auth_basic_module /usr/lib/apache2/modules/mod_auth_basic.so
LoadModule authn_file_module /usr/lib/apache2/modules/mod_authn_file.so
Define SITES /srv/bench/sites
LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
ErrorLog logs/error_log
LogLevel warn
<IfModule mod_mime.c>
    AddType application/json .json
    AddHandler mod_python .py
</IfModule>
<IfModule mod_rewrite.c>
    RewriteEngine On
</IfModule>
PythonOption mod_python.mutex_locks 8
"""

VHOST = """\
# ---- site {n} -------------------------------------------------------------
<VirtualHost *:80>
    ServerName site{n}.example.com
    ServerAlias www.site{n}.example.com *.site{n}.example.org
    DocumentRoot "${{SITES}}/site{n}/htdocs"
    Alias /static/ "${{SITES}}/site{n}/static/"
    AliasMatch "^/media/(.*)\\.png$" "${{SITES}}/site{n}/media/$1.png"
    Redirect permanent /old http://site{n}.example.com/new
    ErrorDocument 404 /errors/404.html
    SetEnv SITE_ID {n}
    Header set X-Site "site{n}"
    <Directory "${{SITES}}/site{n}/htdocs">
        Options -Indexes +FollowSymLinks
        AllowOverride AuthConfig FileInfo
        DirectoryIndex index.py index.html
        Require all granted
        PythonOption site.name "Site number {n}"
        PythonHandler app.main app.fallback \\
                      app.last
        PythonHandler app.templates | .psp .tmpl
        <Files "*.inc">
            Require all denied
        </Files>
    </Directory>
    <Directory "${{SITES}}/site{n}/htdocs/admin">
        AuthType Basic
        AuthName "Admin {n}"
        AuthUserFile conf/htpasswd
        Require valid-user
        PythonDebug On
    </Directory>
    <Location /api>
        SetHandler mod_python
        PythonHandler api.dispatch
        PythonFixupHandler api.fixup
        PythonOption api.version {n}
    </Location>
    <LocationMatch "^/reports/[0-9]+">
        Require ip 10.0.0.0/8
    </LocationMatch>
</VirtualHost>
"""


def generate(lines: int) -> str:
    """A config of about ``lines`` lines: the head, then as many vhosts as fit."""
    parts = [HEAD]
    total = HEAD.count("\n")
    number = 1
    while total < lines:
        block = VHOST.format(n=number)
        parts.append(block)
        total += block.count("\n")
        number += 1
    return "".join(parts)


def median_ms(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    text = generate(options.lines)
    line_count = text.count("\n")
    settings = load_config_text(text, "bench.conf")  # warm-up, and a sanity check
    parse = median_ms(lambda: parse_config(text, "bench.conf"), options.runs)
    total = median_ms(lambda: load_config_text(text, "bench.conf"), options.runs)
    print(f"config: {line_count} lines, {len(settings.vhosts)} vhosts, "
          f"{sum(len(v.sections) for v in settings.vhosts)} sections (median of {options.runs})")  # fmt: skip
    print(f"{'step':<26}{'ms':>10}")
    print(f"{'parse (text -> tree)':<26}{parse:>10.1f}")
    print(f"{'build (tree -> settings)':<26}{total - parse:>10.1f}")
    print(f"{'parse + build':<26}{total:>10.1f}")
    verdict = "OK" if total < 100 else "OVER"
    print(f"{'target':<26}{'< 100':>10}  {verdict}")


if __name__ == "__main__":
    main()
