"""Opening a screen: who may, declared once on the screen (``ROLES``), enforced here.

Every key and book of the desk opens its screen through ``open_screen`` (the screens'
``open_*`` functions named in ``keys.OPENERS`` call it): nobody signed in, nothing opens;
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


def open_screen(app, make: Callable[[], object], *, roles=None, callback=None):
    """Push ``make()`` for the person at the desk when their role may open it (the
    screen class's ``ROLES`` when ``roles`` is not given); the screen, or None."""
    staff = app.session.staff
    if staff is None:
        return None
    wanted = roles if roles is not None else getattr(make, "ROLES", None)
    if not may_open(staff, wanted):
        app.notify(refusal(wanted), severity="warning", markup=False)
        return None
    screen = make()
    app.push_screen(screen, callback=callback)
    return screen
