"""What the F6 cash screen shows, read in one go: the clerk's drawer (today's, or an
earlier day's left open), the office's cash waiting for the bank, the bank last used and
who may approve a difference."""

from __future__ import annotations

from dataclasses import dataclass

from deskterm.db.models import BankDeposit, Office
from deskterm.duties.cashdesk.cash import (
    Drawer,
    Undeposited,
    approvers,
    drawer,
    my_session,
    unclosed_session,
    undeposited,
)
from deskterm.duties.office_settings import bank_list
from deskterm.duties.records import desk_person


@dataclass(frozen=True)
class CashView:
    drawer: Drawer | None  # None: no drawer today (and none left open)
    stale: bool  # the drawer is an earlier day's, still open: close it first
    waiting: Undeposited  # the office's cash not yet in the bank
    last_bank: str  # the bank of the office's last deposit, to prefill the form
    limit: int  # Office.cash_difference_limit, fen
    approvers: tuple[tuple[int, str], ...]  # supervisors and managers (id, name)


def cash_view(office: Office, clerk) -> CashView:
    clerk = desk_person(office, clerk)
    session = unclosed_session(office, clerk)
    stale = session is not None
    if session is None:
        session = my_session(office, clerk)
    last = (BankDeposit.select(BankDeposit.bank).where(BankDeposit.office == office)
            .order_by(BankDeposit.at.desc(), BankDeposit.id.desc()).first())
    return CashView(
        drawer=drawer(office, session.id) if session is not None else None,
        stale=stale,
        waiting=undeposited(office),
        last_bank=last.bank if last is not None and last.bank else next(
            iter(bank_list(office)), ""),
        limit=office.cash_difference_limit,
        approvers=tuple(approvers(office)),
    )
