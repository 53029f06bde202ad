import sys

sys.stdout.write("Content-Type: text/plain\r\nX-Line-Ending: crlf\r\n\r\nfirst\n")
sys.stdout.write("second\n")
