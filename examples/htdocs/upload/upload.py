"""GET /upload/upload.py shows a form; POSTing it with a file echoes what was received."""

from html import escape

from mod_python import apache, util

FORM = """<html><body>
<form method="post" enctype="multipart/form-data">
  <p>File: <input type="file" name="attachment"></p>
  <p>Description: <input type="text" name="description"></p>
  <p><input type="submit" value="Upload"></p>
</form>
</body></html>
"""


def handler(req):
    req.content_type = "text/html"
    if req.method != "POST":
        req.write(FORM)
        return apache.OK

    form = util.FieldStorage(req)
    upload = form["attachment"] if "attachment" in form else None
    if upload is None or not upload.filename:
        raise apache.SERVER_RETURN(apache.HTTP_BAD_REQUEST)

    # The upload's content is always bytes; its name and the text fields are str
    # because this directory sets "PythonOption mod_python.util.str_fields On".
    content = upload.file.read()
    description = form.getfirst("description", "")
    req.write("<html><body>\n")
    req.write("<p>Received %s (%s, %d bytes): %s</p>\n"
              % (escape(upload.filename), escape(upload.type), len(content),
                 escape(description)))
    req.write("<pre>%s</pre>\n" % escape(content.decode("utf-8", "replace")))
    req.write("</body></html>\n")
    return apache.OK
