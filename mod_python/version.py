"""Version facts, as the generated mod_python/version.py of mod_python 3.5 exposes them."""

import sys

version = "3.5.0"
HTTPD = "mod_python-wsgi"
HTTPD_VERSION = "2.4"
APR_VERSION = "1.7"
LIBEXECDIR = ""
SYSCONFDIR = ""
TEST_MOD_PYTHON_SO = ""
TESTHOME = ""
PYTHON_BIN = sys.executable
