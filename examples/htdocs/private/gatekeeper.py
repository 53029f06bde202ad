from mod_python import apache


def accesshandler(req):
    req.log_error("refusing %s" % req.uri, apache.APLOG_INFO)
    return apache.HTTP_FORBIDDEN
