"""What the donation entry form offers to choose from: donors and people as typed, and the fund
and programme lists (a programme decides its fund)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.db import Database
from app.donations import donors
from app.errors import CharityDeskError
from app.funds import funds
from app.programmes import programmes
from app.recipients import search as recipient_search
from app.station.accounts import Operator
from ui.dialogs.donation_donor import DonationDonorDialog
from ui.widgets.search_picker import SearchPicker


def donor_choices(db: Database, text: str) -> list[tuple[str, str]]:
    """Donors matching what was typed: (id, name  phone  kind  workplace)."""
    out = []
    for d in donors.search_donors(db, text, 12):
        bits = [d.name]
        if d.phone:
            bits.append(d.phone)
        bits.append(donors.KIND_NAMES.get(d.kind, d.kind) if d.kind != "person" else "")
        if d.workplace:
            bits.append(d.workplace)
        out.append((d.id, "  ".join(b for b in bits if b)))
    return out


def recipient_choices(db: Database, text: str) -> list[tuple[str, str]]:
    """Registered people matching what was typed: (id, name  village  group)."""
    ids = recipient_search.search_ids(db, text)[:12]
    rows = recipient_search.fetch_rows(db, ids)
    out = []
    for h in ids:
        r = rows.get(h)
        if r is not None:
            out.append((str(r["id"]), "  ".join(x for x in (r["name"], r["village"], r["village_group"]) if x)))
    return out


class FundAndProgramme(QObject):
    """The fund and programme combos: choosing a programme picks its fund and locks the fund."""

    def __init__(self, db: Database, fund: QComboBox, programme: QComboBox) -> None:
        super().__init__(fund)
        self.db = db
        self.fund = fund
        self.programme = programme
        self.default_fund_index = 0
        self._programme_funds: dict[str, str] = {}
        programme.currentIndexChanged.connect(self.programme_changed)

    def reload(self) -> None:
        """Funds and programmes may have changed on other pages; keep what was chosen if it is still there."""
        keep_fund, keep_prog = self.fund.currentData(), self.programme.currentData()
        self.fund.blockSignals(True)
        self.programme.blockSignals(True)
        self.fund.clear()
        for i, f in enumerate(funds.list_funds(self.db)):
            self.fund.addItem(f.name, f.id)
            if f.is_default:
                self.default_fund_index = i
        self.programme.clear()
        self.programme.addItem(self.tr("（不指定）"), None)
        self._programme_funds = {}
        for p in programmes.list_programmes(self.db):
            self.programme.addItem(p.name, p.id)
            self._programme_funds[p.id] = p.fund_id
        for combo, keep, fallback in ((self.fund, keep_fund, self.default_fund_index),
                                      (self.programme, keep_prog, 0)):
            i = combo.findData(keep) if keep is not None else -1
            combo.setCurrentIndex(i if i >= 0 else fallback)
        self.fund.blockSignals(False)
        self.programme.blockSignals(False)
        self.programme_changed()

    def programme_changed(self) -> None:
        pid = self.programme.currentData()
        if pid:
            i = self.fund.findData(self._programme_funds.get(pid))
            if i >= 0:
                self.fund.setCurrentIndex(i)
        self.fund.setEnabled(not pid)

    def reset(self) -> None:
        self.programme.setCurrentIndex(0)
        self.fund.setCurrentIndex(self.default_fund_index)


class DonorChoice(QObject):
    """The donor row: the picker, 新捐赠人 and 匿名, and what was chosen shown under it.
    `chosen` when a donor is picked; `failed(message)` when the anonymous donor cannot be made."""

    chosen = Signal()
    failed = Signal(str)

    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget) -> None:
        super().__init__(parent)
        self._page = parent
        self.db = db
        self.operator = operator
        self.picker = SearchPicker(lambda text: donor_choices(self.db, text))
        self.picker.setPlaceholderText(self.tr("输入姓名、电话或拼音首字母（如 zs），回车选中"))
        self.new_button = QPushButton(self.tr("新捐赠人(&N)"))
        self.anonymous_button = QPushButton(self.tr("匿名(&A)"))
        self.row = QHBoxLayout()
        self.row.addWidget(self.picker, 1)
        self.row.addWidget(self.new_button)
        self.row.addWidget(self.anonymous_button)
        self.info = QLabel()
        self.info.setStyleSheet("color: #555;")
        self.picker.picked.connect(self._picked)
        self.picker.cleared.connect(self.info.clear)
        self.new_button.clicked.connect(self.new_donor)
        self.anonymous_button.clicked.connect(self.pick_anonymous)

    def _picked(self, donor_id: str, _label: str) -> None:
        d = donors.get_donor(self.db, donor_id)
        kind = donors.KIND_NAMES.get(d.kind, d.kind)
        extra = f"，{self.tr('信用代码')} {d.credit_code}" if d.credit_code else ""
        self.info.setText(self.tr("已选：%s（%s%s）") % (d.name, kind, extra))
        self.chosen.emit()

    def new_donor(self) -> None:
        dlg = DonationDonorDialog(self.db, self.operator(), self.picker.text() if self.picker.picked_id is None
                                  else "", self._page)
        if dlg.exec() and dlg.donor is not None:
            self.picker.pick(dlg.donor.id, dlg.donor.name)
        self._page.window().activateWindow()  # keyboard shortcuts need the window active again

    def pick_anonymous(self) -> None:
        try:
            d = donors.anonymous_donor(self.db, self.operator())
        except CharityDeskError as exc:
            self.failed.emit(exc.message)
            return
        self.picker.pick(d.id, d.name)
