# request_paths target
