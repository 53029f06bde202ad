import os

print("Content-Type: text/plain\n")
print(os.getcwd())
