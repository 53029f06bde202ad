"""Connection handlers for the oracle tests: the first line picks what to do."""

from mod_python import apache


def connectionhandler(conn):
    command = conn.readline().strip()
    if command == b"fake-http":
        # mod_python's test_connectionhandler
        line = conn.readline().strip()
        while line:
            line = conn.readline().strip()
        conn.write("HTTP/1.1 200 OK\r\n")
        conn.write("Content-Length: 7\r\n\r\n")
        conn.write("test ok")
    elif command == b"echo":
        while True:
            line = conn.readline()
            if line is None or line.strip() == b"":
                break
            conn.write(b"echo: " + line)
    elif command == b"reads":
        pieces = [conn.readline(4), conn.readline(), conn.read(3), conn.read(2)]
        conn.write(repr(pieces))
    elif command == b"until-end":
        pieces = []
        while True:
            data = conn.read()
            if data is None:
                break
            pieces.append(data)
        conn.write(repr([type(piece).__name__ for piece in pieces[:1]]) + " ")
        conn.write(b"".join(pieces))
    elif command == b"attributes":
        conn.write(
            repr(
                [
                    conn.local_ip,
                    conn.client_ip,
                    conn.local_addr[0],
                    conn.client_addr[0],
                    conn.keepalive,
                    conn.keepalives,
                    repr(conn.notes),
                    conn.hlist.handler,
                    conn.remote_host,
                    conn.aborted,
                    type(conn.id).__name__,
                ]
            )
        )
    elif command == b"declined":
        return apache.DECLINED
    elif command == b"error":
        raise ValueError("connection handler failed")
    elif command == b"not-an-int":
        return "done"
    return apache.OK
