"""The UPPERCASE output filter (see <Directory htdocs/shout> in httpd.conf)."""


def outputfilter(filter):
    # Called once per block of output; read() returns None at the end of the response.
    data = filter.read()
    while data:
        filter.write(data.upper())
        data = filter.read()
    if data is None:
        filter.close()
