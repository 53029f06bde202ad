print("just text, no header block")
