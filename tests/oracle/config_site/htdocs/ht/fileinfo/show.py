# served by config_cases::show_options
