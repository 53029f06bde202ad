# a file name with a space
