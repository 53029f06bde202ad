print("Status: 302 Found")
print("Location: http://example.com/elsewhere")
print()
