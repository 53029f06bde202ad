print("Content-Type: text/plain\n\npartial")
raise ValueError("script failed")
