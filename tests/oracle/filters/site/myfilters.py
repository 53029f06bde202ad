"""Filters the differential tests run under both servers (bytes writes where a later
filter reads them: the oracle's Python 3 port garbles str written by one Python filter
and read by the next)."""


def upper(filter):
    s = filter.read()
    while s:
        filter.write(s.upper())
        s = filter.read()
    if s is None:
        filter.close()


def counting(filter):
    calls = getattr(filter.req, "calls", 0) + 1
    filter.req.calls = calls
    sizes = []
    s = filter.read()
    while s:
        sizes.append(len(s))
        s = filter.read()
    filter.write(("[%d:%s:%s]" % (calls, sizes, s is None)).encode())
    if s is None:
        filter.close()


def buffering(filter):
    kept = getattr(filter.req, "kept", None)
    if kept is None:
        kept = filter.req.kept = []
    s = filter.read()
    while s:
        kept.append(s)
        s = filter.read()
    if s is None:
        filter.write(b"".join(kept).upper())
        filter.close()


def attributes(filter):
    s = filter.read()
    while s:
        s = filter.read()
    if s is None:
        filter.write(
            "name=%r is_input=%r handler=%r dir=%r closed=%r softspace=%r extra=%r"
            % (
                filter.name,
                filter.is_input,
                filter.handler,
                filter.dir,
                filter.closed,
                filter.softspace,
                hasattr(filter, "non_existent"),
            )
        )
        filter.close()


def passes_on(filter):
    filter.pass_on()


def broken(filter):
    raise ValueError("filter broke")


# The same code works as an input filter: read() pulls the body, write() feeds req.read().
upper_in = upper
