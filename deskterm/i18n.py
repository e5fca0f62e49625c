"""One translation function for every visible string: ``_()``.

Catalogs are gettext ``.po`` files under ``deskterm/locale/<lang>/LC_MESSAGES/``, compiled
to ``.mo`` with Babel (``python -m deskterm.i18n_tools compile``; see docs/I18N.md).
English is the source language. ``N_()`` marks a string for extraction where it must be
translated later (module-level tables); call ``_()`` on it when it is shown.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "deskterm"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh_CN")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def normalise_language(value: str | None) -> str:
    """Map ``zh``, ``zh_CN.UTF-8``, ``zh-Hans``... to ``zh_CN``; anything else to ``en``."""
    if not value:
        return "en"
    value = value.strip().lower().replace("-", "_")
    if value.startswith("zh"):
        return "zh_CN"
    return "en"


def language_from_environment() -> str:
    """The language the ``LANG``/``LC_ALL``/``LC_MESSAGES`` environment asks for."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return normalise_language(value)
    return "en"


def set_language(language: str) -> str:
    """Switch every later ``_()`` to ``language``; returns the normalised code."""
    global _translation, _language
    _language = normalise_language(language)
    _translation = gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[_language], fallback=True
    )
    return _language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the desk's current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message
