# a .py file served through AddHandler
