# served by config_cases::index_page
