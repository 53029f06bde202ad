# in a subdirectory
