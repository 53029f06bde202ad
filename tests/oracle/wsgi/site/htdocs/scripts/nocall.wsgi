not_the_application = 1
