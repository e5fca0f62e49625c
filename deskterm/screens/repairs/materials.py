"""The return form's materials, chosen by name (领料): no stock code from memory.

``MaterialsPart`` is mixed into the return form before ``DeskForm`` (as ``CallerPart``
is into the caller forms), which declares a text field ``materials`` (the lookup's box)
and puts ``self.compose_materials()`` where the materials go. Then:

- typing part of a name (水龙), its pinyin initials (``slt``) or a code lists the
  matching stock items with what is on hand (``StockLookup``: ``stock.find_stock`` in a
  worker, the kit's ``Lookup``); Up/Down move, Enter takes the highlighted one;
- the quantity follows: its box appears beside the item in words (name, unit of
  measure, on hand) and takes the cursor; Enter puts the line in the list under it and
  the cursor back in the lookup for the next one. The item chosen again changes its
  line's quantity; 0 takes the line out. More than is on hand is refused at once (the
  duty refuses it too, under its lock, when the books moved meanwhile);
- Enter in the empty lookup moves on to the next field; keys typed ahead (Enter before
  the list came) wait for the pick, as the roster lookup's do (``kit/keys.py``);
- ``check_materials`` gives ``[(stock item id, quantity)]`` for ``return_order``, or the
  message: a name typed but not chosen, a quantity not given, more than on hand;
- drafts keep the lines (``_materials``) and the item waiting for its quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import set_cell_size
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from deskterm.display import fit, plain
from deskterm.duties.backoffice.stock import (
    StockHit,
    find_stock,
    learn_stock_names,
    parse_quantity,
    stock_query,
)
from deskterm.duties.repairs.order_view import MATERIAL_LINES
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.screens.kit.fields import error_line
from deskterm.screens.kit.inputs import TextInput
from deskterm.screens.kit.lookup import Lookup
from deskterm.screens.kit.tables import lines_text

#: What the lines are cut to (the return form is 76 cells inside).
LINE_WIDTH = 72
QUERY_LIMIT = 40


def on_hand_text(hit: StockHit) -> str:
    return (_("{count} on hand").format(count=hit.on_hand) if hit.on_hand > 0
            else _("none on hand"))


def item_words(hit: StockHit) -> str:
    """``水龙头（单冷） · 个 · 20 on hand``: the item in words, its code last."""
    return f"{hit.name} · {hit.uom} · {on_hand_text(hit)} · {hit.code}"


class StockLookup(Lookup):
    """The office's stock by part of a name, initials or code (``find_stock``)."""

    class Picked(Lookup.Picked):
        pass

    class Unmatched(Lookup.Unmatched):
        pass

    def __init__(self, office, **kwargs) -> None:
        super().__init__(**kwargs)
        self.office = office

    def normalise(self, text: str) -> str:
        return stock_query(text)

    def find(self, query: str) -> list[StockHit]:
        return find_stock(self.office, query, limit=self.LIMIT)

    def prepare(self) -> None:
        learn_stock_names(self.office)  # the first key need not wait for pypinyin

    def label(self, hit: StockHit) -> str:
        name = set_cell_size(fit(hit.name, 28), 28)
        uom = set_cell_size(fit(hit.uom, 4), 4)
        count = set_cell_size(fit(on_hand_text(hit), 16), 16)
        return fit(f"{name} {uom} {count} {hit.code}", LINE_WIDTH - 2)

    def nothing_found(self, query: str) -> str:
        return _("No stock item matches: empty the box and Enter to go on.")


@dataclass(frozen=True)
class Line:
    item: StockHit
    quantity: int


def _hit(data: Any) -> StockHit | None:
    """A draft's item back (None when it is not one)."""
    try:
        item_id, code, name, uom, on_hand = data
        return StockHit(int(item_id), str(code), str(name), str(uom), int(on_hand))
    except (TypeError, ValueError):
        return None


class MaterialsPart:
    """Mixed into a ``DeskForm`` (see the module's docstring)."""

    MATERIALS_LABEL = ""  # N_(): the label above the lookup

    _lines: list[Line] | None = None
    pending: StockHit | None = None  # chosen, its quantity not given yet

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = []
        return self._lines

    # --- the parts ---------------------------------------------------------------------------
    def compose_materials(self) -> Widget:
        prefix = self.PREFIX
        lookup = StockLookup(self.office, input_id=f"{prefix}-materials",
                             max_length=QUERY_LIMIT, id=f"{prefix}-stock",
                             placeholder=_("part of a name, initials (slt) or a code"))
        quantity = Horizontal(
            Label(plain(_("Quantity")), classes="kit-label"),
            TextInput(id=f"{prefix}-quantity", compact=True, max_length=7),
            Static(plain(""), id=f"{prefix}-pending", markup=False),
            id=f"{prefix}-quantity-line", classes="kit-line")
        quantity.display = False
        lines = Static(plain(""), id=f"{prefix}-lines", markup=False)
        lines.display = False
        return Vertical(Label(plain(_(self.MATERIALS_LABEL)), classes="kit-label"), lookup,
                        quantity, lines,
                        error_line(prefix, "materials"), classes="kit-field -wide",
                        id=f"{prefix}-materials-part")

    @property
    def stock_lookup(self) -> StockLookup:
        return self.query_one(StockLookup)

    @property
    def quantity_box(self) -> Input:
        return self.query_one(f"#{self.PREFIX}-quantity", Input)

    def _show_lines(self) -> None:
        shown = self.query_one(f"#{self.PREFIX}-lines", Static)
        texts = [fit(f"{n}. {line.item.name} × {line.quantity} {line.item.uom}  "
                     f"({on_hand_text(line.item)})", LINE_WIDTH)
                 for n, line in enumerate(self.lines, start=1)]
        shown.update(lines_text(texts))
        shown.display = bool(texts)

    def _show_pending(self) -> None:
        line = self.query_one(f"#{self.PREFIX}-quantity-line")
        line.display = self.pending is not None
        if self.pending is not None:
            words = f"{self.pending.uom} · {self.pending.name} · {on_hand_text(self.pending)}"
            self.query_one(f"#{self.PREFIX}-pending", Static).update(plain(fit(words, 50)))

    # --- choosing ----------------------------------------------------------------------------
    # Named handlers, not @on: Textual collects @on only in its own classes, not a mixin's.
    def on_stock_lookup_picked(self, event: StockLookup.Picked) -> None:
        """An item chosen: the box empties, the item waits in words for its quantity,
        which has the cursor (its line's quantity when chosen again)."""
        event.stop()
        hit: StockHit = event.hit
        self.show_error("materials", "")
        same = next((line for line in self.lines if line.item.id == hit.id), None)
        self.quantity_box.value = str(same.quantity) if same is not None else ""
        self.stock_lookup.input.value = ""
        self.pending = hit
        self._show_pending()
        self.set_focus(self.quantity_box)
        self._want_draft()
        self.stock_lookup.release_keys(event)

    def on_stock_lookup_unmatched(self, event: StockLookup.Unmatched) -> None:
        """Enter with nothing chosen: in an empty box the cursor moves on; else the
        lookup has said that nothing matches, and the cursor stays."""
        event.stop()
        if not event.text.strip():
            self.focus_next()
        self.stock_lookup.release_keys(event)

    def entered(self, field: Input) -> bool:
        """Enter in the quantity: the line taken (or changed, or taken out by 0), the
        cursor back in the lookup for the next one."""
        if field is not self.quantity_box:
            return super().entered(field)
        lines, message = self._with_pending()
        if message:
            self.show_error("materials", message)
            return True
        self._lines = lines
        self.pending = None
        self.quantity_box.value = ""
        self.show_error("materials", "")
        self._show_pending()
        self._show_lines()
        self.set_focus(self.stock_lookup.input)
        self._want_draft()
        return True

    def _with_pending(self) -> tuple[list[Line], str]:
        """The lines with the waiting item's quantity taken in (0: its line out), or
        the message that refuses that quantity. Pure: nothing changes."""
        hit = self.pending
        if hit is None:
            return list(self.lines), ""
        text = self.quantity_box.value
        if not text.strip():
            return [], _("Enter how many {uom} of {name} were used (0: none).").format(
                uom=hit.uom, name=hit.name)
        try:
            quantity = parse_quantity(text, "materials", zero=True)
        except DutyError as exc:
            return [], f"{hit.name}: {exc.message}"
        if quantity > hit.on_hand:
            return [], _("Only {count} {uom} of {name} on hand.").format(
                count=max(hit.on_hand, 0), uom=hit.uom, name=hit.name)
        lines = [line for line in self.lines if line.item.id != hit.id]
        if quantity:
            if len(lines) >= MATERIAL_LINES:
                return [], _("At most {n} material lines.").format(n=MATERIAL_LINES)
            lines.append(Line(hit, quantity))
        return lines, ""

    def field_changed(self, name: str) -> None:
        """A new search typed: the item waiting for its quantity is let go."""
        super().field_changed(name)
        if name == "materials" and self.pending is not None and \
                self.stock_lookup.input.value.strip():
            self.pending = None
            self._show_pending()

    def focus_field(self, name: str) -> None:
        """The materials' cursor is in the quantity while an item waits for it."""
        if name == "materials" and self.pending is not None:
            self.set_focus(self.quantity_box)
            return
        super().focus_field(name)

    # --- checking ------------------------------------------------------------------------------
    def check_materials(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        """``values["materials"]``: ``[(stock item id, quantity)]`` (the item waiting
        with a quantity typed counts as taken); or the message under the materials."""
        lines, message = self._with_pending()
        typed = self.stock_lookup.input.value.strip()
        if not message and typed:
            message = _("{text} is not chosen: Enter on an item in the list, or empty "
                        "the box.").format(text=fit(typed, 20))
        if message:
            errors["materials"] = message
            values["materials"] = None
            return
        values["materials"] = [(line.item.id, line.quantity) for line in lines]

    # --- drafts keep the lines ---------------------------------------------------------------
    def kept_values(self) -> dict[str, Any]:
        kept = super().kept_values()
        kept["_materials"] = [[*_fields(line.item), line.quantity] for line in self.lines]
        if self.pending is not None:
            kept["_pending"] = [*_fields(self.pending), self.quantity_box.value]
        return kept

    def restore(self, values: dict[str, Any]) -> None:
        super().restore(values)
        lines = []
        for data in values.get("_materials") or ():
            hit = _hit(data[:5]) if isinstance(data, list) and len(data) == 6 else None
            if hit is not None and isinstance(data[5], int) and data[5] > 0:
                lines.append(Line(hit, data[5]))
        self._lines = lines
        pending = values.get("_pending")
        self.pending = _hit(pending[:5]) if isinstance(pending, list) and \
            len(pending) == 6 else None
        if self.pending is not None:
            self.quantity_box.value = str(pending[5] or "")
        self._show_pending()
        self._show_lines()


def _fields(hit: StockHit) -> list:
    return [hit.id, hit.code, hit.name, hit.uom, hit.on_hand]
