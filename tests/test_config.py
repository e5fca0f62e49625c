"""Per-person settings: config.toml, then the environment, then command-line flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from platformdirs import user_config_path, user_documents_path

from deskterm.config import (
    BINDING_IDS,
    SETTING_NAMES,
    Settings,
    config_path,
    default_theme,
    example_config,
    load_settings,
)
from deskterm.db.connection import default_database_path
from deskterm.errors import SetupError

# A 256-colour terminal with an English locale: what the defaults are measured against.
PLAIN_ENV = {"TERM": "xterm-256color", "LANG": "en_US.UTF-8"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, environ: dict[str, str] | None = None, **flags: object) -> Settings:
    return load_settings(path=path, environ=dict(PLAIN_ENV, **(environ or {})), flags=flags)


def error_of(path: Path, environ: dict[str, str] | None = None, **flags: object) -> str:
    with pytest.raises(SetupError) as caught:
        load(path, environ, **flags)
    return caught.value.message


# -- where the file is -----------------------------------------------------------------


def test_config_path_from_environment_variable(tmp_path):
    named = tmp_path / "desk.toml"
    assert config_path({"DESKTERM_CONFIG": str(named)}) == named
    assert config_path({"DESKTERM_CONFIG": "~/desk.toml"}) == Path("~/desk.toml").expanduser()


def test_config_path_defaults_to_the_xdg_config_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    expected = user_config_path("deskterm", appauthor=False) / "config.toml"
    assert config_path({}) == expected
    assert config_path({"DESKTERM_CONFIG": "  "}) == expected


def test_load_reads_the_file_named_by_deskterm_config(tmp_path):
    named = tmp_path / "elsewhere.toml"
    named.write_text('theme = "nord"\n', encoding="utf-8")
    settings = load_settings(environ=dict(PLAIN_ENV, DESKTERM_CONFIG=str(named)))
    assert settings.theme == "nord"
    assert settings.source == str(named)


# -- layers ------------------------------------------------------------------------------


def test_defaults_without_a_file(tmp_path):
    settings = load(tmp_path / "missing.toml")
    assert settings == Settings(
        db=str(default_database_path()),
        lang="en",
        theme="textual-dark",
        mouse=True,
        keys={},
        office=None,
        export_dir=str(user_documents_path() / "deskterm"),
        idle_lock_minutes=None,
        source="",
    )


def test_default_language_comes_from_the_locale_variables(tmp_path):
    missing = tmp_path / "missing.toml"
    assert load(missing, {"LANG": "zh_CN.UTF-8"}).lang == "zh_CN"
    assert load(missing, {"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}).lang == "zh_CN"
    assert load_settings(path=missing, environ={}).lang == "en"


def test_values_from_the_file(tmp_path):
    path = write(tmp_path, """\
db = "postgresql://desk@db.example.com/deskterm"
lang = "zh-Hans"
theme = "nord"
mouse = false
office = 3
export_dir = "~/exports"
idle_lock_minutes = 5

[keys]
new_call = "f2, ctrl+n"
quit = "ctrl+q"
""")
    settings = load(path)
    assert settings.db == "postgresql://desk@db.example.com/deskterm"
    assert settings.lang == "zh_CN"
    assert settings.theme == "nord"
    assert settings.mouse is False
    assert settings.office == 3
    assert settings.export_dir == str(Path("~/exports").expanduser())
    assert settings.idle_lock_minutes == 5
    assert settings.keys == {"new_call": "f2,ctrl+n", "quit": "ctrl+q"}
    assert settings.source == str(path)


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, """\
db = "/srv/file.db"
lang = "en"
theme = "nord"
mouse = true
office = 1
export_dir = "/srv/exports"
idle_lock_minutes = 5
""")
    settings = load(path, {
        "DESKTERM_DB": "/srv/env.db",
        "DESKTERM_LANG": "zh_CN",
        "DESKTERM_THEME": "gruvbox",
        "DESKTERM_MOUSE": "off",
        "DESKTERM_OFFICE": " 2 ",
        "DESKTERM_EXPORT_DIR": "/tmp/out",
    })
    assert settings.db == "/srv/env.db"
    assert settings.lang == "zh_CN"
    assert settings.theme == "gruvbox"
    assert settings.mouse is False
    assert settings.office == 2
    assert settings.export_dir == "/tmp/out"
    assert settings.idle_lock_minutes == 5  # no variable: the file's value stays


def test_empty_environment_variables_are_not_set(tmp_path):
    path = write(tmp_path, 'theme = "nord"\noffice = 4\n')
    settings = load(path, {"DESKTERM_THEME": "", "DESKTERM_OFFICE": "  "})
    assert settings.theme == "nord"
    assert settings.office == 4


def test_flags_override_the_environment_and_the_file(tmp_path):
    path = write(tmp_path, 'theme = "nord"\nmouse = true\n[keys]\nhelp = "f1"\nquit = "ctrl+q"\n')
    environ = {"DESKTERM_THEME": "gruvbox", "DESKTERM_LANG": "en", "DESKTERM_DB": "/env.db",
               "DESKTERM_OFFICE": "2"}
    settings = load(path, environ, theme="dracula", lang="zh_CN", db=tmp_path / "flag.db",
                    mouse=False, office=7, idle_lock_minutes=3, keys={"quit": "ctrl+x"},
                    export_dir=None)
    assert settings.theme == "dracula"
    assert settings.lang == "zh_CN"
    assert settings.db == str(tmp_path / "flag.db")
    assert settings.mouse is False
    assert settings.office == 7
    assert settings.idle_lock_minutes == 3
    assert settings.keys == {"help": "f1", "quit": "ctrl+x"}  # merged over the file's
    assert settings.export_dir == str(user_documents_path() / "deskterm")  # None: not given


def test_flags_given_as_text_are_parsed(tmp_path):
    settings = load(tmp_path / "missing.toml", mouse="no", office="12", idle_lock_minutes="15")
    assert (settings.mouse, settings.office, settings.idle_lock_minutes) == (False, 12, 15)


def test_none_flags_change_nothing(tmp_path):
    missing = tmp_path / "missing.toml"
    assert load(missing, **dict.fromkeys(SETTING_NAMES)) == load(missing)


def test_an_unknown_flag_is_a_programming_error(tmp_path):
    with pytest.raises(TypeError):
        load(tmp_path / "missing.toml", colour="red")


@pytest.mark.parametrize(("text", "expected"), [
    ("1", True), ("true", True), ("YES", True), ("on", True),
    ("0", False), ("false", False), ("No", False), (" off ", False),
])
def test_mouse_from_the_environment(tmp_path, text, expected):
    assert load(tmp_path / "missing.toml", {"DESKTERM_MOUSE": text}).mouse is expected


# -- default theme -----------------------------------------------------------------------


@pytest.mark.parametrize(("environ", "theme"), [
    ({"TERM": "linux"}, "ansi-dark"),
    ({"TERM": "xterm"}, "ansi-dark"),
    ({"TERM": "xterm", "COLORTERM": "truecolor"}, "textual-dark"),
    ({"TERM": "linux", "COLORTERM": "24bit"}, "textual-dark"),
    ({"TERM": "xterm-256color"}, "textual-dark"),
    ({"TERM": "xterm-kitty"}, "textual-dark"),
    ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"}, "ansi-dark"),
    ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "truecolor"}, "textual-dark"),
    ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "auto"}, "ansi-dark"),
])
def test_default_theme(environ, theme):
    assert default_theme(environ) == theme


def test_sixteen_colour_terminal_gets_the_ansi_theme_unless_one_is_chosen(tmp_path):
    missing = tmp_path / "missing.toml"
    assert load(missing, {"TERM": "linux"}).theme == "ansi-dark"
    assert load(missing, {"TEXTUAL_COLOR_SYSTEM": "standard"}).theme == "ansi-dark"
    assert load(missing, {"TERM": "linux", "DESKTERM_THEME": "nord"}).theme == "nord"
    assert load(write(tmp_path, 'theme = "nord"\n'), {"TERM": "linux"}).theme == "nord"


# -- keys --------------------------------------------------------------------------------


def test_keys_parse(tmp_path):
    path = write(tmp_path, """\
[keys]
# help = "not this one"
help = "f1,question_mark"
new_call = " f2 , ctrl+n "
"command_palette" = "ctrl+shift+a"
""")
    assert load(path).keys == {
        "help": "f1,question_mark",
        "new_call": "f2,ctrl+n",
        "command_palette": "ctrl+shift+a",
    }


def test_keys_as_inline_table_and_dotted_keys(tmp_path):
    assert load(write(tmp_path, 'keys = { quit = "ctrl+q" }\n')).keys == {"quit": "ctrl+q"}
    assert load(write(tmp_path, 'keys.quit = "ctrl+q"\n')).keys == {"quit": "ctrl+q"}


def test_every_binding_id_can_be_set(tmp_path):
    lines = "".join(f'{binding} = "ctrl+{n}"\n' for n, binding in enumerate(BINDING_IDS))
    keys = load(write(tmp_path, "[keys]\n" + lines)).keys
    assert list(keys) == list(BINDING_IDS)


# -- errors name the line ----------------------------------------------------------------


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, 'lang = "en"\n\nmouse true\n')
    message = error_of(path)
    assert message.startswith(f"{path} line 3: Expected '=' after a key")
    assert "config.toml line 3:" in message
    assert "column" in message


def test_toml_error_at_the_end_of_the_file(tmp_path):
    message = error_of(write(tmp_path, 'lang = "en"\ntheme = '))
    assert "config.toml line 2:" in message


def test_duplicate_key_is_a_syntax_error_with_its_line(tmp_path):
    message = error_of(write(tmp_path, 'theme = "nord"\nmouse = true\ntheme = "gruvbox"\n'))
    assert "config.toml line 3:" in message


def test_mouse_must_be_true_or_false(tmp_path):
    message = error_of(write(tmp_path, '# mouse = "maybe"\ntheme = "nord"\nmouse = "maybe"\n'))
    assert "config.toml line 3: 'mouse' must be true or false" in message


def test_unknown_key_lists_the_known_ones(tmp_path):
    message = error_of(write(tmp_path, 'lang = "en"\n\nthem = "nord"\n'))
    assert "config.toml line 3: 'them' is not a setting" in message
    assert ", ".join(SETTING_NAMES) in message
    assert "Did you mean 'theme'?" in message


def test_unknown_table_is_an_unknown_key(tmp_path):
    message = error_of(write(tmp_path, 'lang = "en"\n[display]\ncolour = 1\n'))
    assert "config.toml line 2: 'display' is not a setting" in message


def test_unknown_language(tmp_path):
    message = error_of(write(tmp_path, 'theme = "nord"\nlang = "fr"\n'))
    assert "config.toml line 2: 'lang' must be en or zh_CN" in message


def test_unknown_binding_id(tmp_path):
    path = write(tmp_path, 'mouse = true\n\n[keys]\nnew_call = "f2"\nnew_cal = "f3"\n')
    message = error_of(path)
    assert "config.toml line 5: 'new_cal' is not a key binding" in message
    assert ", ".join(BINDING_IDS) in message
    assert "Did you mean 'new_call'?" in message


def test_unknown_binding_id_in_an_inline_table_names_the_table_line(tmp_path):
    message = error_of(write(tmp_path, 'lang = "en"\nkeys = { help = "f1", bogus = "x" }\n'))
    assert "config.toml line 2: 'bogus' is not a key binding" in message


def test_unknown_binding_id_as_a_dotted_key(tmp_path):
    message = error_of(write(tmp_path, 'lang = "en"\nkeys.help = "f1"\nkeys.bogus = "x"\n'))
    assert "config.toml line 3: 'bogus' is not a key binding" in message


@pytest.mark.parametrize("value", ['"F1"', '""', '"f2,"', '"ctrl+"', '"ctrl n"', "2"])
def test_bad_key_names(tmp_path, value):
    message = error_of(write(tmp_path, f'[keys]\nhelp = "f1"\nquit = {value}\n'))
    assert "config.toml line 3: 'quit' must be key names" in message


def test_keys_must_be_a_table(tmp_path):
    message = error_of(write(tmp_path, 'lang = "en"\nkeys = "f2"\n'))
    assert "config.toml line 2: 'keys' must be a table" in message


@pytest.mark.parametrize("value", ['"abc"', '"2"', "1.5", "true", "0", "-3"])
def test_office_must_be_a_whole_number(tmp_path, value):
    message = error_of(write(tmp_path, f'lang = "en"\noffice = {value}\n'))
    assert "config.toml line 2: 'office' must be the office's number" in message


def test_idle_lock_minutes_must_be_a_whole_number(tmp_path):
    message = error_of(write(tmp_path, "idle_lock_minutes = -1\n"))
    assert "config.toml line 1: 'idle_lock_minutes' must be a whole number of minutes" in message


def test_idle_lock_minutes_zero_means_never(tmp_path):
    assert load(write(tmp_path, "idle_lock_minutes = 0\n")).idle_lock_minutes == 0


@pytest.mark.parametrize("name", ["db", "theme", "export_dir", "lang"])
def test_text_settings_must_be_text(tmp_path, name):
    message = error_of(write(tmp_path, f"mouse = true\n{name} = 3\n"))
    assert f"config.toml line 2: '{name}' must be text in quotes" in message


def test_empty_text_setting(tmp_path):
    message = error_of(write(tmp_path, 'db = "  "\n'))
    assert "config.toml line 1: 'db' must not be empty" in message


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'lang = "en"\ntheme = "\xff"\n')
    assert "config.toml line 2: the file is not UTF-8" in error_of(path)


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes('\ufefftheme = "nord"\n'.encode())
    assert load(path).theme == "nord"


def test_a_folder_in_place_of_the_file(tmp_path):
    folder = tmp_path / "config.toml"
    folder.mkdir()
    assert "is a folder" in error_of(folder)


@pytest.mark.parametrize(("environ", "expected"), [
    ({"DESKTERM_MOUSE": "maybe"}, "DESKTERM_MOUSE must be one of 0, 1, true, false"),
    ({"DESKTERM_OFFICE": "abc"}, "DESKTERM_OFFICE must be the office's number"),
    ({"DESKTERM_OFFICE": "0"}, "DESKTERM_OFFICE must be the office's number"),
    ({"DESKTERM_LANG": "fr"}, "DESKTERM_LANG must be en or zh_CN"),
])
def test_bad_environment_values_name_the_variable(tmp_path, environ, expected):
    message = error_of(tmp_path / "missing.toml", environ)
    assert expected in message
    assert repr(list(environ.values())[0]) in message


def test_bad_flag_values_name_the_flag(tmp_path):
    missing = tmp_path / "missing.toml"
    assert "--lang must be en or zh_CN" in error_of(missing, lang="fr")
    assert "--office must be the office's number" in error_of(missing, office="x")
    assert "--idle-lock-minutes must be a whole number" in error_of(missing, idle_lock_minutes=-5)
    assert "'nope' is not a key binding" in error_of(missing, keys={"nope": "f2"})


def test_the_environment_is_checked_even_when_a_flag_overrides_it(tmp_path):
    # A broken variable is reported, not silently masked: it would break the next start.
    message = error_of(tmp_path / "missing.toml", {"DESKTERM_MOUSE": "maybe"}, mouse=True)
    assert "DESKTERM_MOUSE" in message


# -- the example -------------------------------------------------------------------------


def test_example_config_loads_as_is(tmp_path):
    settings = load(write(tmp_path, example_config()))
    assert settings.source
    assert settings.theme == "textual-dark"
    assert settings.keys == {}


def test_example_config_mentions_every_setting_and_binding():
    text = example_config()
    for name in SETTING_NAMES:
        assert re.search(rf"^# {name} = ", text, re.M) or name == "keys", name
    assert "# [keys]" in text
    for binding in BINDING_IDS:
        assert binding in text


def test_example_config_values_load_when_uncommented(tmp_path):
    lines, seen = [], set()
    for line in example_config().splitlines():
        setting = re.match(r"^# (\[keys\]|[a-z_]+ = )", line)
        if setting and setting.group(1) not in seen:
            seen.add(setting.group(1))
            line = line[2:]
        lines.append(line)
    settings = load(write(tmp_path, "\n".join(lines) + "\n"))
    assert settings.db == "/srv/deskterm/desk.db"
    assert settings.lang == "zh_CN"
    assert settings.theme == "ansi-dark"
    assert settings.mouse is False
    assert settings.office == 2
    assert settings.export_dir == str(Path("~/Documents/deskterm").expanduser())
    assert settings.idle_lock_minutes == 5
    assert settings.keys == {"new_call": "f2,ctrl+n", "payment": "f3",
                             "command_palette": "ctrl+p"}
