"""One small form for the back-office books (canteen, listings): labelled fields in rows,
an error line under each (fed by ``DutyError.field``, taking no room while empty), a
duty called in a thread worker on ctrl+s (or Enter in the last field), dismissed with
what the duty returned. Esc cancels.

``Field`` describes one field: an ``Input`` (the default) or a ``Select`` of
``options`` ((label, value) pairs). The ``save`` callable gets ``{name: value}`` (the
text typed, or the value chosen, None when nothing is) and runs inside
``database.connection_context()``. ``check(values)``, when given, tells every field's
message at once without the database (``{field: message}``); the duty is asked only when
it finds nothing.
"""

from __future__ import annotations

from importlib.resources import files

from deskterm.i18n import N_
from deskterm.screens.kit.field_form import Field, FieldForm

__all__ = ["CSS", "BackofficeForm", "Field"]

#: The back-office books' stylesheet (their list screens use it too).
CSS = str(files("deskterm.styles") / "backoffice.tcss")


class BackofficeForm(FieldForm):
    """The canteen's and the listings' forms (ids ``bo-*``)."""

    PREFIX = "bo"
    CSS_PATH = CSS
    HINT = N_("ctrl+s save · Esc cancel")

    def __init__(self, *args, form_id: str = "bo-form", **kwargs) -> None:
        super().__init__(*args, form_id=form_id, **kwargs)
