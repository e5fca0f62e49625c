"""deskterm's translation catalogs: extract, update, compile, check (see docs/I18N.md).

    python tools/i18n.py extract   # sources -> deskterm/locale/deskterm.pot
    python tools/i18n.py update    # extract, then merge the .pot into every .po
    python tools/i18n.py compile   # every .po -> its .mo
    python tools/i18n.py check     # exit 1 and list what is missing, fuzzy, wrong or stale

Uses Babel's Python API with the mapping and keywords of ``babel.cfg``. Files are
written only when their content changes (a new POT-Creation-Date alone is not a change),
and locations are written without line numbers, so that editing a source file does not
touch the catalogs unless its strings changed.

``check`` extracts from the sources afresh (it does not trust the .pot) and fails on:
a msgid with no zh_CN translation (missing from the .po, empty, or fuzzy); a
translation whose ``{placeholders}`` differ from its msgid's; a .mo that is not what
compiling its .po gives. The test suite (tests/test_i18n.py) runs the same checks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
LOCALE_DIR = ROOT / "deskterm" / "locale"
DOMAIN = "deskterm"
POT = LOCALE_DIR / f"{DOMAIN}.pot"
#: Every catalog: English (msgstr left empty, gettext falls back to the msgid) and the
#: one that must be complete.
LOCALES = ("en", "zh_CN")
#: The catalogs that must translate every msgid.
REQUIRED = ("zh_CN",)
WIDTH = 76
BUGS = "see docs/I18N.md"


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


# -- extract -------------------------------------------------------------------------------

def extract_catalog() -> Catalog:
    """Every translatable message of the current sources, as a template catalog."""
    with open(MAPPING, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(MAPPING))
    if not method_map or not all(options.get("keywords") for options in options_map.values()):
        raise SystemExit(f"{MAPPING}: every [python: ...] section needs its keywords")
    template = Catalog(
        project=DOMAIN, version=_version(), copyright_holder="deskterm authors",
        msgid_bugs_address=BUGS, charset="utf-8", fuzzy=False, creation_date=_now(),
    )
    template.header_comment = (
        "# Translations template for deskterm: every msgid of the sources.\n"
        "# Made by `python tools/i18n.py extract`; do not edit by hand (docs/I18N.md).")
    found = extract_from_dir(
        ROOT, method_map, options_map, keywords={}, comment_tags=(),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename.replace("\\", "/"), lineno)],
                     auto_comments=comments, context=context)
    return template


def _render_po(catalog: Catalog, *, locations: bool = True) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, no_location=not locations, include_lineno=False,
             ignore_obsolete=True, sort_output=False)
    return buffer.getvalue()


_VOLATILE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)


def _write_if_changed(path: Path, data: bytes, volatile: bool = True) -> bool:
    """Write ``data`` unless the file already says the same (ignoring the header dates
    when ``volatile``). Returns whether it wrote."""
    if path.exists():
        old = path.read_bytes()
        if old == data or (volatile and _VOLATILE.sub(b"", old) == _VOLATILE.sub(b"", data)):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def extract() -> Catalog:
    template = extract_catalog()
    wrote = _write_if_changed(POT, _render_po(template))
    print(f"{POT.relative_to(ROOT)}: {len(template)} messages"
          + ("" if wrote else " (unchanged)"))
    return template


# -- update --------------------------------------------------------------------------------

def _read_po(path: Path, locale: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def read_catalog(locale: str) -> Catalog:
    return _read_po(po_path(locale), locale)


def _new_catalog(template: Catalog, locale: str) -> Catalog:
    catalog = Catalog(
        locale=locale, domain=DOMAIN, project=DOMAIN, version=_version(),
        copyright_holder="deskterm authors", msgid_bugs_address=BUGS, charset="utf-8",
        fuzzy=False, creation_date=template.creation_date, revision_date=_now(),
        last_translator="deskterm authors", language_team=locale,
    )
    catalog.header_comment = (
        f"# {locale} catalog of deskterm.\n"
        "# The words come from the work instruction: see docs/GLOSSARY.md;\n"
        "# how to add, translate and compile: docs/I18N.md.")
    catalog.update(template, no_fuzzy_matching=True)
    return catalog


def update() -> None:
    """Extract, then merge the template into every locale's .po (new msgids come in
    untranslated; vanished ones are dropped; a changed msgid comes in fuzzy with its old
    translation as a hint, in zh_CN only)."""
    template = extract()
    for locale in LOCALES:
        path = po_path(locale)
        if path.exists():
            catalog = _read_po(path, locale)
            before = {_key(m.id) for m in catalog if m.id}
            catalog.update(template, no_fuzzy_matching=locale not in REQUIRED,
                           update_creation_date=True)
        else:
            catalog = _new_catalog(template, locale)
            before = set()
        catalog.fuzzy = False
        if locale == "en":
            for message in catalog:
                if message.id:  # English is the source: gettext falls back to the msgid
                    message.string = ("",) * 2 if isinstance(message.id, tuple) else ""
                    message.flags.discard("fuzzy")
        wrote = _write_if_changed(path, _render_po(catalog))
        new = [m for m in catalog if m.id and _key(m.id) not in before]
        todo = untranslated(template, catalog) if locale in REQUIRED else []
        print(f"{path.relative_to(ROOT)}: {len(new)} new, "
              + (f"{len(todo)} to translate" if locale in REQUIRED else "English (source)")
              + ("" if wrote else " (unchanged)"))


# -- compile -------------------------------------------------------------------------------

def compiled(catalog: Catalog) -> bytes:
    """The .mo of ``catalog`` (fuzzy and empty translations left out, as gettext wants)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for locale in LOCALES:
        catalog = read_catalog(locale)
        wrote = _write_if_changed(mo_path(locale), compiled(catalog), volatile=False)
        print(f"{mo_path(locale).relative_to(ROOT)}"
              + ("" if wrote else " (unchanged)"))


# -- check ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a format string (``{{`` and ``}}`` are literal braces)."""
    return set(_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def _forms(value) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) if value is not None else ()


def _shown(message_id) -> str:
    return " / ".join(_forms(message_id))


def untranslated(template: Catalog, catalog: Catalog) -> list[str]:
    """The template's msgids that ``catalog`` lacks, leaves empty, or marks fuzzy."""
    missing = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id, wanted.context)
        if message is None:
            missing.append(f"{_shown(wanted.id)!r}: not in the catalog")
        elif message.fuzzy:
            missing.append(f"{_shown(wanted.id)!r}: fuzzy")
        elif not all(_forms(message.string)) or not _forms(message.string):
            missing.append(f"{_shown(wanted.id)!r}: not translated")
    return missing


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Translations whose ``{placeholders}`` are not exactly their msgid's."""
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = _forms(message.id)
        expected = placeholders(ids[-1])  # the plural form when there is one
        allowed = set().union(*(placeholders(i) for i in ids))
        for form in _forms(message.string):
            if not form:
                continue
            found = placeholders(form)
            if found != expected and not (len(ids) > 1 and found <= allowed):
                wrong.append(f"{_shown(message.id)!r} -> {form!r}: placeholders "
                             f"{sorted(found)} instead of {sorted(expected)}")
    return wrong


def _key(value):
    """A message id or string, hashable: plural ones are lists or tuples."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def mo_messages(data: bytes) -> dict:
    """A compiled catalog as {(msgid, context): msgstr} plus its plural rule: what
    gettext will actually use, for comparing two .mo files by meaning, not bytes."""
    catalog = read_mo(io.BytesIO(data))
    found = {(_key(m.id), m.context): _key(m.string) for m in catalog if m.id}
    found[("", None)] = (catalog.plural_forms, catalog.charset)
    return found


def stale_mo(locale: str) -> str | None:
    """Why the committed .mo of ``locale`` is not its .po compiled, or None."""
    path = mo_path(locale)
    if not path.exists():
        return f"{path.relative_to(ROOT)} is missing"
    committed = mo_messages(path.read_bytes())
    fresh = mo_messages(compiled(read_catalog(locale)))
    if committed == fresh:
        return None
    differ = sorted(str(k[0]) for k in committed.keys() ^ fresh.keys()
                    | {k for k in committed.keys() & fresh.keys() if committed[k] != fresh[k]})
    return f"{path.relative_to(ROOT)} is stale ({len(differ)} differ, e.g. {differ[:3]})"


def problems() -> list[str]:
    """Everything ``check`` complains about, one line each."""
    found: list[str] = []
    template = extract_catalog()
    for locale in LOCALES:
        if not po_path(locale).exists():
            found.append(f"{po_path(locale).relative_to(ROOT)} is missing")
            continue
        catalog = read_catalog(locale)
        if locale in REQUIRED:
            found += [f"{locale}: {line}" for line in untranslated(template, catalog)]
            found += [f"{locale}: {line}" for line in placeholder_mismatches(catalog)]
        stale = stale_mo(locale)
        if stale:
            found.append(stale)
    return found


def check() -> int:
    found = problems()
    for line in found:
        print(line)
    if found:
        print(f"\n{len(found)} problem(s). Run `python tools/i18n.py update`, translate in "
              f"{po_path('zh_CN').relative_to(ROOT)} (remove the fuzzy flag once a "
              "translation is right), then `python tools/i18n.py compile`.", file=sys.stderr)
        return 1
    print(f"catalogs complete: {len(extract_catalog())} messages, {', '.join(LOCALES)}")
    return 0


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/i18n.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("extract", "update", "compile", "check"))
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "extract":
        extract()
    elif args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    else:
        return check()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
