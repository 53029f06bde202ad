print("Location: http://example.com/elsewhere\n")
