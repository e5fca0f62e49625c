"""The translation catalogs: complete, consistent with the sources, compiled, and used.

A visible string added to the sources without a Simplified Chinese translation fails
here: run ``python tools/i18n.py update``, translate the new entries of
``deskterm/locale/zh_CN/LC_MESSAGES/deskterm.po``, then ``python tools/i18n.py compile``
(docs/I18N.md). The checks are those of ``python tools/i18n.py check``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from deskterm.i18n import _, current_language, ngettext, normalise_language, set_language

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("deskterm_i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture(scope="module")
def template():
    """The messages of the sources as they are now (not the committed .pot)."""
    return tool.extract_catalog()


def test_the_sources_have_messages(template):
    ids = {m.id for m in template if m.id}
    assert len(ids) > 100
    assert "Open orders" in ids  # a _() call
    assert "Help" in ids  # an N_() mark


def test_every_message_has_a_chinese_translation(template):
    missing = tool.untranslated(template, tool.read_catalog("zh_CN"))
    assert not missing, (
        f"{len(missing)} message(s) without a zh_CN translation:\n  "
        + "\n  ".join(missing)
        + "\nRun `python tools/i18n.py update`, translate them in "
        "deskterm/locale/zh_CN/LC_MESSAGES/deskterm.po (clear any fuzzy flag), then "
        "`python tools/i18n.py compile`. See docs/I18N.md."
    )


@pytest.mark.parametrize("locale", tool.LOCALES)
def test_placeholders_match(locale):
    wrong = tool.placeholder_mismatches(tool.read_catalog(locale))
    assert not wrong, "translations must keep every {placeholder} of the msgid:\n  " + \
        "\n  ".join(wrong)


def test_english_catalog_leaves_msgstr_empty():
    translated = [m.id for m in tool.read_catalog("en") if m.id and any(tool._forms(m.string))]
    assert not translated, "English is the source language: leave msgstr empty"


@pytest.mark.parametrize("locale", tool.LOCALES)
def test_committed_mo_is_the_compiled_po(locale):
    path = tool.mo_path(locale)
    assert path.exists(), f"{path} is missing: run `python tools/i18n.py compile`"
    committed = tool.mo_messages(path.read_bytes())
    fresh = tool.mo_messages(tool.compiled(tool.read_catalog(locale)))
    assert committed == fresh, (
        f"{path.relative_to(ROOT)} is not what its .po compiles to: "
        "run `python tools/i18n.py compile` and commit the .mo")


def test_check_command_passes():
    assert tool.problems() == []


def test_switching_language():
    assert set_language("zh_CN") == "zh_CN"
    assert current_language() == "zh_CN"
    assert _("Open orders") == "未完成工单"
    assert _("{count} open").format(count=3) == "未完成 3"
    assert _("a string no catalog has") == "a string no catalog has"
    assert ngettext("{n} gadget", "{n} gadgets", 2) == "{n} gadgets"  # falls back untranslated
    assert set_language("en") == "en"
    assert _("Open orders") == "Open orders"


def test_chinese_catalog_has_one_plural_form():
    catalog = tool.read_catalog("zh_CN")
    assert catalog.num_plurals == 1


@pytest.mark.parametrize("value", ["zh", "zh_CN", "zh_CN.UTF-8", "zh-Hans", "zh_TW", "ZH-cn"])
def test_chinese_variants_normalise_to_zh_cn(value):
    assert normalise_language(value) == "zh_CN"


@pytest.mark.parametrize("value", ["fr", "C", "", None, "en_US.UTF-8", "POSIX"])
def test_other_languages_normalise_to_english(value):
    assert normalise_language(value) == "en"


def test_footer_labels_fit_in_chinese():
    """The footer's nine function-key labels (F2-F10; F1 is left out to make room for the
    English ones, and every key is in its help) fit an 80-column footer: two characters each."""
    from deskterm.keys import DESK_KEYS

    set_language("zh_CN")
    shown = {k.label: _(k.label) for k in DESK_KEYS if k.show}
    assert len(shown) == 9
    too_wide = {english: zh for english, zh in shown.items() if cell_len(zh) != 4}
    assert not too_wide, f"footer labels must be 2 Chinese characters: {too_wide}"


def test_pane_titles_use_the_instructions_words():
    set_language("zh_CN")
    assert [_(t) for t in ("Today", "Open orders", "Overdue callbacks", "Unbalanced cash")] == [
        "今日时间线", "未完成工单", "逾期回访", "未平现金"]
