"""Notification addresses: apprise URLs, checked by apprise and never shown in full.

An address is what apprise understands: ``wecombot://BOTKEY`` (a WeCom group bot),
``dingtalk://TOKEN/`` (a DingTalk bot), ``feishu://TOKEN``, ``mailto://user:pass@host``,
an SMS gateway's URL, or ``json://host:port/path`` for a plain webhook. ``check_url``
asks apprise whether it can parse it (else a ``DutyError`` at the field); ``masked`` is
the form a screen, a log line or the change log shows: apprise's own privacy form without
its query string (``wecombot://a...7``), so a bot's key never appears whole. ``scrub``
takes an address's secret parts out of any text (apprise's reasons name hosts, seldom
keys; nothing is left to chance).

Which address a message goes to: the technician's own; a technician without one, the
office's (the group chat the technicians read). Neither: nothing is sent, and the order
says so.
"""

from __future__ import annotations

import re
import unicodedata

from deskterm.errors import DutyError
from deskterm.i18n import _

#: An address longer than this is a paste gone wrong, not a URL.
URL_LIMIT = 1000
#: Apprise's default connect timeout is 4 s (an e-mail's 15 s); the sender caps both.
CONNECT_SECONDS = 5.0
READ_SECONDS = 10.0
#: What the manager types to clear an address (besides nothing at all).
_OFF = ("-", "off", "none", "关", "无")


def _apprise():
    import apprise  # ~0.3 s the first time: only where an address is checked or used

    return apprise


def plugin_of(url: str):
    """Apprise's service for ``url``, or None when apprise cannot parse it."""
    try:
        return _apprise().Apprise.instantiate(url)
    except Exception:  # noqa: BLE001 - a plugin refusing its URL is "cannot parse"
        return None


def check_url(text: str | None, field: str = "notify_url") -> str:
    """``text`` as an address to store: "" (cleared), or a URL apprise can parse."""
    url = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not url or url.lower() in _OFF:
        return ""
    if len(url) > URL_LIMIT or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise DutyError(_("A notification address is one URL without spaces, like "
                          "wecombot://BOTKEY."), field)
    if "://" not in url or plugin_of(url) is None:
        raise DutyError(_("Apprise cannot use this address: write one like "
                          "wecombot://BOTKEY, dingtalk://TOKEN/ or mailto://user:pass@host."),
                        field)
    return url


def masked(url: str | None) -> str:
    """The address as it may be shown: ``wecombot://a...7``; "" for none."""
    if not url:
        return ""
    plugin = plugin_of(url)
    if plugin is not None:
        try:
            return plugin.url(privacy=True).split("?", 1)[0]
        except Exception:  # noqa: BLE001 - a plugin without a privacy form
            pass
    scheme = url.split("://", 1)[0]
    return f"{scheme}://…"


def _secrets(url: str) -> list[str]:
    """The parts of ``url`` that may be secret: every run of 6+ word characters after the
    scheme, but the host of a json:// or mailto:// address is shown as apprise shows it."""
    rest = url.split("://", 1)[-1].split("?", 1)[0]
    return sorted({part for part in re.findall(r"[A-Za-z0-9_\-]{6,}", rest)},
                  key=len, reverse=True)


def scrub(text: str, url: str | None) -> str:
    """``text`` with the secret parts of ``url`` replaced by ``…`` (a reason, a log line)."""
    if not url:
        return text
    if url in text:
        text = text.replace(url, masked(url))
    for part in _secrets(url):
        if part in text and part not in masked(url):
            text = text.replace(part, part[:1] + "…")
    return text


def open_channel(url: str):
    """An ``apprise.Apprise`` holding ``url`` with short timeouts, or None when apprise
    cannot parse it (the address changed since it was checked, or a plugin is missing)."""
    plugin = plugin_of(url)
    if plugin is None:
        return None
    for name, cap in (("socket_connect_timeout", CONNECT_SECONDS),
                      ("socket_read_timeout", READ_SECONDS)):
        value = getattr(plugin, name, None)
        if isinstance(value, (int, float)) and value > cap:
            setattr(plugin, name, cap)
    channel = _apprise().Apprise()
    if not channel.add(plugin):
        return None
    return channel
