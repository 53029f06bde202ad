import os

print("Content-Type: text/plain\n")
for key in (
    "GATEWAY_INTERFACE",
    "REQUEST_METHOD",
    "QUERY_STRING",
    "SCRIPT_NAME",
    "PATH_INFO",
    "SCRIPT_FILENAME",
    "REQUEST_URI",
    "DOCUMENT_ROOT",
    "HTTP_X_PROBE",
):
    print(key, "=", os.environ.get(key))
print("__name__ =", __name__)
