"""mod_python's per-request tests of handler lists and dispatch (SPEC 12.2 #1-8, 14, 25, 61-64).

Each test builds the configuration of the original test's virtual host and asserts what the
original asserted.
"""

from __future__ import annotations

from .conftest import directory_conf, handler_conf


def test_req_document_root_is_the_document_root(spec_site):
    site = spec_site(handler_conf("req_document_root"))
    assert site.get("/tests.py").text == str(site.docroot)


def test_req_add_handler_runs_the_added_handler_next(spec_site):
    site = spec_site(handler_conf("req_add_handler"))
    assert site.get("/tests.py").text == "test ok"


def test_req_add_bad_handler_logs_the_missing_function(spec_site):
    site = spec_site(handler_conf("req_add_bad_handler"))
    response = site.get("/tests.py")
    assert response.status == 500
    assert "contains no 'bad_handler'" in site.error_log


def test_req_add_empty_handler_string_is_an_error(spec_site):
    site = spec_site(handler_conf("req_add_empty_handler_string", "PythonDebug On"))
    # "no exception" is written (and sent) before the empty handler fails to load, so the
    # error shows as the debug traceback after it, as in mod_python.
    response = site.get("/tests.py")
    assert response.text != "no exception"
    assert "Traceback" in response.text


def test_req_add_handler_empty_phase_runs_a_handler_added_by_a_fixup(spec_site):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonInterpPerDirective On",
            "PythonFixupHandler tests::req_add_handler_empty_phase",
        )
    )
    assert site.get("/tests.py").text == "test ok"


def test_req_add_handler_directory_is_canonical_with_a_trailing_slash(spec_site):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonInterpPerDirective On",
            "PythonFixupHandler tests::req_add_handler_directory",
        )
    )
    assert site.get("/tests.py").text == "test ok"


def test_accesshandler_add_handler_to_empty_hl_runs_it(spec_site):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonAccessHandler tests::accesshandler_add_handler_to_empty_hl",
        )
    )
    assert site.get("/tests.py").text == "test ok"


def test_req_allow_methods_lists_the_method_in_allow(spec_site):
    site = spec_site(handler_conf("req_allow_methods"))
    response = site.get("/tests.py")
    assert response.status == 405
    assert "MKWORKSPACE" in response.header("Allow")


INTERNAL_REDIRECT_CONF = directory_conf(
    "AddHandler mod_python .py .int",
    "PythonHandler tests::req_internal_redirect | .py",
    "PythonHandler tests::req_internal_redirect_int | .int",
)


def test_req_internal_redirect_writes_through_both_requests(spec_site):
    # As in the original, neither /test.py nor /test.int exists: the handler runs anyway.
    site = spec_site(INTERNAL_REDIRECT_CONF)
    response = site.get("/test.py")
    assert (response.status, response.text) == (200, "test ok")


def test_req_handler_set_by_a_fixup_without_sethandler(spec_site):
    site = spec_site(directory_conf("PythonFixupHandler tests::req_handler"))
    assert site.get("/").text == "test ok"


def test_files_directive_hlist_directory_is_the_enclosing_directory(spec_site):
    site = spec_site(
        '<Directory "{docroot}">\n'
        "  <Files *.py>\n"
        "    SetHandler mod_python\n"
        "    PythonHandler tests::files_directive\n"
        "  </Files>\n"
        "</Directory>\n"
    )
    assert site.get("/tests.py").text == f"{site.docroot}/"


def test_none_handler_is_a_server_error(spec_site):
    site = spec_site(handler_conf("none_handler"))
    assert site.get("/tests.py").status == 500


def test_server_return_ok_lets_the_next_handler_run(spec_site):
    site = spec_site(
        directory_conf(
            "SetHandler mod_python",
            "PythonHandler tests::server_return_1",
            "PythonHandler tests::server_return_2",
        )
    )
    assert site.get("/tests.py").text == "test ok"


PHASE_STATUS_CONF = directory_conf(
    "SetHandler mod_python",
    "AuthType bogus",
    "AuthName bogus",
    "Require valid-user",
    "PythonAuthenHandler tests::phase_status_1",
    "PythonAuthenHandler tests::phase_status_2",
    "PythonAuthenHandler tests::phase_status_3",
    "PythonAuthzHandler tests::phase_status_4",
    "PythonFixupHandler tests::phase_status_5",
    "PythonFixupHandler tests::phase_status_6",
    "PythonFixupHandler tests::phase_status_7",
    "PythonHandler tests::phase_status_8",
    "PythonCleanupHandler tests::phase_status_cleanup",
)


def test_phase_status_follows_the_stacked_handler_rules(spec_site):
    site = spec_site(PHASE_STATUS_CONF)
    response = site.get("/tests.py")
    assert (response.status, response.text) == (200, "[1, 2, 5, 6, 7]")


def test_phase_status_cleanup_handler_runs(spec_site):
    site = spec_site(PHASE_STATUS_CONF)
    site.get("/tests.py")
    assert "phase_status_cleanup_log_entry" in site.error_log
    assert "phase_status_3" not in site.error_log
