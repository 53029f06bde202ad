# served by config_cases::who
