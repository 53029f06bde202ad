"""``remembered``: values worked out once per config, confirmed by the config's identity."""

from __future__ import annotations

from mod_python._engine.config.remembered import remembered


def test_a_value_is_worked_out_once_per_config():
    table: dict = {}
    calls = []
    config = object()
    for _ in range(3):
        value = remembered(table, id(config), config, 8, lambda n: calls.append(n) or n * 2, 21)
        assert value == 42
    assert calls == [21]


def test_an_entry_left_at_the_key_by_another_config_is_worked_out_again():
    config = object()
    table = {id(config): (object(), "stale")}
    assert remembered(table, id(config), config, 8, str.upper, "fresh") == "FRESH"
    assert table[id(config)] == (config, "FRESH")


def test_a_full_table_starts_again():
    table: dict = {}
    configs = [object() for _ in range(5)]
    for config in configs:
        remembered(table, id(config), config, 3, id, config)
        assert 0 < len(table) <= 3
    assert table[id(configs[-1])] == (configs[-1], id(configs[-1]))
