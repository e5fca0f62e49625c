"""A unit's dues on the payment form (F3): one row per due, each selected or not, with
the amount to pay now (all that is owed, or part of it); and the form's method and
change lines.

``DuesTable.show(dues)`` fills it, every due selected at its outstanding amount;
``toggle()`` / ``toggle_all()`` / ``set_amount()`` change the highlighted row (or all),
``chosen()`` gives the ``(charge_id, fen)`` lines for ``take_payment`` and ``total()``
their sum. Amounts are right-aligned; a deselected due shows "—" to pay.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from deskterm.display import fit, plain
from deskterm.duties.cashdesk.dues import Due
from deskterm.duties.cashdesk.payments import METHOD_WORDS
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import format_fen, parse_amount

#: The method keys of the payment form.
METHOD_KEYS = {"1": "cash", "2": "card", "3": "transfer", "4": "wechat", "5": "alipay"}
#: Column widths in cells (one more each for the gap); the form is 74 cells inside.
MARK_WIDTH, PERIOD_WIDTH, ITEM_WIDTH, MONEY_WIDTH = 3, 7, 33, 11


@dataclass
class PayLine:
    due: Due
    amount: int  # fen to pay now
    selected: bool = True


def due_label(due: Due) -> str:
    """``物业服务费``, ``维修费 WX-202611-0042``, with the note after a dot."""
    label = due.fee_item + (f" {due.order_number}" if due.order_number else "")
    return f"{label} · {due.note}" if due.note else label


def right(text: str) -> Text:
    """Right-aligned with a gap after it (DataTable drops leading spaces)."""
    return Text(text + " ", justify="right")


def line_cells(line: PayLine) -> list:
    due = line.due
    return [plain("[x]" if line.selected else "[ ]"), plain(fit(due.period, PERIOD_WIDTH)),
            plain(fit(due_label(due), ITEM_WIDTH)),
            right(format_fen(due.outstanding, symbol=False)),
            right(format_fen(line.amount, symbol=False) if line.selected else "—")]


def method_text(chosen: str | None) -> Text:
    """``Method: [1 cash]  2 card   3 bank transfer ...``: the chosen one in brackets, bold
    and reversed (so it shows without colour); none chosen yet: ``Method (1-5)?``."""
    text = Text(_("Method:") if chosen else _("Method (1-5)?"))
    for key, method in METHOD_KEYS.items():
        word = f"{key} {_(METHOD_WORDS[method])}"
        text.append(" ")
        if method == chosen:
            text.append(f"[{word}]", style="bold reverse")
        else:
            text.append(f" {word} ")
    return text


def change_text(total: int, tendered: str) -> str:
    """What the cash tendered means: the change, how much is short, or not an amount
    (empty: exact money)."""
    tendered = tendered.strip()
    try:
        given = parse_amount(tendered, field="tendered") if tendered else total
    except DutyError:
        return _("✗ not an amount")
    if given < total:
        return _("short by {amount}").format(amount=format_fen(total - given))
    return _("Change {amount}").format(amount=format_fen(given - total))


class DuesTable(DataTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, cell_padding=0, **kwargs)
        self.lines: dict[str, PayLine] = {}

    def on_mount(self) -> None:
        for label, width, money in (("", MARK_WIDTH, False), (_("Period"), PERIOD_WIDTH, False),
                                    (_("Fee item"), ITEM_WIDTH, False), (_("Owed"), MONEY_WIDTH, True),
                                    (_("Pay"), MONEY_WIDTH, True)):
            head = fit(label, width)
            self.add_column(right(head) if money else plain(head), width=width + 1)

    def show(self, dues: list[Due]) -> None:
        self.clear()
        self.lines = {f"c{d.charge_id}": PayLine(d, d.outstanding) for d in dues}
        for key, line in self.lines.items():
            self.add_row(*line_cells(line), key=key)

    def current(self) -> tuple[str, PayLine] | None:
        if not self.lines or self.row_count == 0:
            return None
        index = min(max(self.cursor_row, 0), self.row_count - 1)
        key = self.coordinate_to_cell_key((index, 0)).row_key.value
        return key, self.lines[key]

    def _redraw(self, key: str) -> None:
        row = self.get_row_index(key)
        for column, cell in enumerate(line_cells(self.lines[key])):
            self.update_cell_at((row, column), cell)

    def toggle(self) -> bool:
        """Select or deselect the highlighted due; False when there is none."""
        found = self.current()
        if found is None:
            return False
        key, line = found
        line.selected = not line.selected
        self._redraw(key)
        return True

    def toggle_all(self) -> None:
        """Select all, or none when all are selected."""
        everything = all(line.selected for line in self.lines.values())
        for key, line in self.lines.items():
            line.selected = not everything
            self._redraw(key)

    def set_amount(self, key: str, amount: int) -> None:
        line = self.lines[key]
        line.amount, line.selected = amount, True
        self._redraw(key)

    def chosen(self) -> list[tuple[int, int]]:
        return [(line.due.charge_id, line.amount) for line in self.lines.values()
                if line.selected]

    def total(self) -> int:
        return sum(amount for _charge, amount in self.chosen())
