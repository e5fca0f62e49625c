"""The back-office forms, each a ``DeskForm`` on one base (``BackofficeForm``: ids
``bo-*``, the back-office stylesheet, Enter in the last field saves): a canteen purchase,
today's meals of one person, a unit entrusted for rent or sale, a viewing, and the agency
fee charged to the unit's account.

Each declares its fields once; its duty's own pure check (``ERRORS``: ``purchase_errors``,
``listing_errors``) tells every field's message at once before the duty is asked, and
the duty runs in the kit's worker on ctrl+s. The form dismisses with the row written.
The meals form reads who may eat and the last price in ``load`` (a person chosen or a
price typed meanwhile is kept).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.widgets import Select

from deskterm.display import money, plain
from deskterm.duties.backoffice import canteen, listings
from deskterm.i18n import N_, _
from deskterm.screens.backoffice.backoffice_book import CSS
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

__all__ = ["CSS", "AgencyFeeForm", "BackofficeForm", "ListingForm", "MealsForm",
           "PurchaseForm", "ViewingForm"]


class BackofficeForm(DeskForm):
    """The base of the back-office forms (ids ``bo-*``)."""

    PREFIX = "bo"
    CSS_PATH = CSS
    ENTER_SAVES = True
    HINT = N_("Enter next · ctrl+s save · Esc cancel")
    #: The duty's pure check, ``{field: message}`` for the form's values (None: none).
    ERRORS: ClassVar[Any] = None

    def check(self, values):
        values, errors = super().check(values)
        if type(self).ERRORS is not None and not errors:
            errors = type(self).ERRORS(**values)
        return values, errors

    @property
    def clerk(self):
        return self.session.staff


class PurchaseForm(BackofficeForm):
    TITLE_TEXT = N_("A canteen purchase")
    FIELDS = (
        Field("item", N_("Item"), max_length=canteen.NAME_LIMIT),
        Field("quantity", N_("Quantity"), max_length=canteen.QUANTITY_LIMIT,
              placeholder=N_("as on the slip: 5 kg")),
        Field("amount", N_("Amount"), max_length=16, placeholder="98.00"),
        Field("supplier", N_("Supplier"), max_length=canteen.NAME_LIMIT),
        Field("bought_by", N_("Bought by"), max_length=canteen.NAME_LIMIT),
    )
    ERRORS = staticmethod(canteen.purchase_errors)

    def save(self, values):
        return canteen.add_purchase(self.office, self.clerk, **values)


class MealsForm(BackofficeForm):
    TITLE_TEXT = N_("Meals today")

    def __init__(self, session) -> None:
        super().__init__(session, note=_("A person's meals of today replace what was "
                                         "written."))

    def form_fields(self):
        return (
            # Who ate and how many: the clerk's answers, never the first name and 1 [6.5].
            Field("person", N_("Person"), kind="select", options=(), blank=N_("who ate"),
                  required=N_("Choose who ate.")),
            Field("meals", N_("Meals"), max_length=1, required=N_("Enter how many meals."),
                  placeholder=_("0 to {n}").format(n=canteen.MEALS_A_DAY)),
            Field("price", N_("Price"), max_length=12, placeholder="12.00"),
        )

    def load(self):
        return canteen.eaters(self.office), canteen.last_price(self.office)

    def loaded(self, data) -> None:
        people, price = data
        person = self.query_one("#bo-person", Select)
        chosen = self.value("person")
        person.set_options([(plain(name), sid) for sid, name in people])
        if chosen is None and len(people) == 1:  # the only one: a fact, not a guess
            self.set_initial("person", people[0][0])
        if price and "price" not in self.visited and not self.value("price"):
            self.set_initial("price", money(price).lstrip("¥"))

    def field_of(self, duty_field: str | None) -> str:
        if (duty_field or "").startswith("meals"):
            return "meals"  # the duty names the person's meals ("meals:12")
        return super().field_of(duty_field)

    def save(self, values):
        return canteen.record_meals(self.office, self.clerk, None,
                                    {values["person"]: values["meals"]}, values["price"])


class ListingForm(BackofficeForm):
    TITLE_TEXT = N_("A unit entrusted for rent or sale")
    DRAFT = "listing"
    FIELDS = (
        Field("unit", N_("Unit"), max_length=20, placeholder="3-2-501"),
        Field("kind", N_("Rent/sale"), kind="select", blank=N_("rent or sale?"),
              options=tuple((label, key) for key, label in listings.KINDS.items())),
        Field("asking", N_("Asking"), max_length=16,
              placeholder=N_("a month's rent, or the price")),
        Field("terms", N_("Terms"), max_length=listings.TERMS_LIMIT),
        Field("contact", N_("Contact"), max_length=20,
              placeholder=N_("the owner's phone if empty")),
    )
    ERRORS = staticmethod(listings.listing_errors)

    def save(self, values):
        return listings.add_listing(self.office, self.clerk, **values)


class _OfAListing(BackofficeForm):
    """A form about one listing (``listing_id``)."""

    def __init__(self, session, listing_id: int, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.listing_id = listing_id

    def draft_subject(self) -> str:
        return str(self.listing_id)


class ViewingForm(_OfAListing):
    TITLE_TEXT = N_("A viewing, now")
    FIELDS = (
        Field("visitor", N_("Visitor"), max_length=listings.NAME_LIMIT),
        Field("phone", N_("Phone"), max_length=20),
        Field("note", N_("Note"), max_length=listings.NOTE_LIMIT),
    )

    def save(self, values):
        return listings.add_viewing(self.office, self.clerk, self.listing_id, **values)


class AgencyFeeForm(_OfAListing):
    TITLE_TEXT = N_("The agency fee, on the unit's account")
    HINT = N_("The cash desk (F3) collects it. ctrl+s charge · Esc cancel")
    FIELDS = (
        Field("amount", N_("Amount"), max_length=16),
        Field("note", N_("Note"), max_length=200),
    )

    def save(self, values):
        return listings.charge_agency_fee(self.office, self.clerk, self.listing_id,
                                          **values)
