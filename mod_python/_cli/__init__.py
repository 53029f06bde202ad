"""The parts of the ``mod_python`` command line, one module per concern.

``addresses``   ``[HOST:]PORT`` parsing and the addresses a config listens on
``daemon``      start/stop/restart/graceful: pid file, master process, workers
``httpd_front`` ``mod_python httpd``: httpd's own options (-f, -k, -D, -t, -v, -V, -X)
``check``       ``mod_python check``: every problem of a config, with file:line
``directory``   ``serve DIRECTORY``: the config generated for a bare document root
``create``      ``create`` and ``genconfig`` over the ``httpdconf`` package
``reloader``    ``serve --reload``: restart the server when a watched file changes

``mod_python.cli`` builds the argument parser and dispatches to these.
"""
