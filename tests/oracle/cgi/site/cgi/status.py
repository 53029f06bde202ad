print("Status: 404 Not Found\r\nContent-Type: text/html\r\n\r\nmissing", end="")
