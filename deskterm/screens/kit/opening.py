"""Opening a screen: who may, declared once on the screen (``ROLES``), enforced here.

Every key and book of the desk opens its screen through ``open_screen(app, Screen,
*args)`` (the screens' ``open_*`` functions named in ``keys.OPENERS`` call it), which
reads who may from ``Screen.ROLES``: nobody signed in, nothing opens;
a person whose role the screen does not name is told who may open it, and nothing opens.
"""

from __future__ import annotations

from collections.abc import Callable

from deskterm.i18n import N_, _

ROLE_WORDS = {
    "clerk": N_("a clerk"), "supervisor": N_("a supervisor"), "manager": N_("a manager"),
    "night": N_("night staff"), "technician": N_("a technician"),
    "cs_supervisor": N_("a customer-service supervisor"),
}


def may_open(staff, roles) -> bool:
    return staff is not None and (roles is None or staff.role in roles)


def refusal(roles) -> str:
    who = ", ".join(_(ROLE_WORDS.get(role, role)) for role in sorted(roles))
    return _("Only {who} may open this: sign in as them.").format(who=who)


def open_screen(app, cls: type, *args, make: Callable[[], object] | None = None,
                callback=None, **kwargs):
    """Push ``cls(app.session, *args, **kwargs)`` for the person at the desk when
    ``cls.ROLES`` lets them; the screen, or None. ``make`` builds the screen instead, for
    one whose arguments are computed only when it opens (after the role was checked)."""
    staff = app.session.staff
    if staff is None:
        return None
    wanted = getattr(cls, "ROLES", None)
    if not may_open(staff, wanted):
        app.notify(refusal(wanted), severity="warning", markup=False)
        return None
    ahead = getattr(app, "ahead", None)  # kit.prebuilt: a form built in idle time
    screen = ahead.take(cls) if ahead is not None and not (make or args or kwargs) else None
    if screen is None:
        screen = make() if make is not None else cls(app.session, *args, **kwargs)
    app.push_screen(screen, callback=callback)
    return screen
