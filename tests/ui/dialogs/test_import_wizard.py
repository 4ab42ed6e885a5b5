"""The roster import wizard driven through the real dialog: preview, problems on their rows, refusal, skip."""

from __future__ import annotations

import openpyxl
import pytest
from PySide6.QtCore import Qt

from app.recipients import recipients, search
from app.rules.idcard import check_char
from ui.dialogs.import_wizard import ImportWizard
from ui.pages.recipients import RecipientsPage
from ui.worker import wait_all

# The offscreen platform cannot raise the message box it opens.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

BODY = "370303" + "19400315" + "123"
GOOD = BODY + check_char(BODY)
BAD = BODY + ("0" if check_char(BODY) != "0" else "1")   # wrong check character


@pytest.fixture
def roster(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["东风村高龄老人花名册"])
    ws.append(["姓名", "身份证号", "所在村", "联系电话"])
    ws.append(["王秀英", GOOD, "东风村", "13812345678"])        # row 3
    ws.append(["李大山", BAD, "东风村", "13912345678"])         # row 4
    ws.append(["合计", "2人", None, None])
    path = tmp_path / "花名册.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def wizard(qtbot, db, volunteer):
    w = ImportWizard(db, lambda: volunteer)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    wait_all()


def loaded(qtbot, w, path):
    w.set_file(str(path))
    qtbot.waitUntil(lambda: w.preview is not None and not w.busy, timeout=20000)


def row_of(w, number):
    return next(i for i in range(w.model.rowCount()) if w.model.text(i, 0) == str(number))


def test_preview_shows_each_row_with_its_excel_number_status_and_problems(qtbot, wizard, roster):
    loaded(qtbot, wizard, roster)
    m = wizard.model
    assert m.rowCount() == 2  # the 合计 row is not data
    good, bad = row_of(wizard, 3), row_of(wizard, 4)
    assert [m.text(good, c) for c in range(4)] == ["3", "新增", "王秀英", GOOD]
    assert m.text(good, 4) == ""
    assert [m.text(bad, c) for c in range(4)] == ["4", "有错误", "李大山", BAD]
    assert "校验" in m.text(bad, 4) and "身份证号" in m.text(bad, 4)
    assert m.data(m.index(bad, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert m.data(m.index(good, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert wizard.counts_label.text() == "可导入 1 人，已登记 0 人，有错误 1 行"
    assert wizard.combos["name"].currentText() == "姓名"
    assert wizard.combos["id_number"].currentText() == "身份证号"
    assert wizard.combos["bank_account"].currentData() is None  # （不导入）
    assert wizard.sheet.isHidden()  # one sheet: nothing to choose
    wizard.only_problems.setChecked(True)
    assert m.rowCount() == 1 and m.text(0, 0) == "4"


def test_refused_without_skip_then_imported_with_skip(qtbot, db, wizard, roster):
    loaded(qtbot, wizard, roster)
    assert wizard.import_button.isEnabled()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.message_box is not None, timeout=20000)
    assert "没有导入任何数据" in wizard.message_box.text()
    assert search.count(db) == 0
    assert recipients.find_by_id_number(db, GOOD) is None
    wizard.message_box.accept()

    seen = []
    wizard.imported.connect(seen.append)
    wizard.skip_invalid.setChecked(True)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    person = recipients.find_by_id_number(db, GOOD)
    assert person is not None and person.name == "王秀英" and person.village == "东风村"
    assert search.count(db) == 1
    assert seen[0].imported == 1 and not seen[0].refused
    assert "已导入 1 人" in wizard.message_box.text() and "跳过有错误的 1 行" in wizard.message_box.text()
    assert not wizard.import_button.isEnabled()  # done; not a second time by accident


def test_changing_a_column_reruns_the_preview(qtbot, wizard, roster):
    loaded(qtbot, wizard, roster)
    first = wizard.preview
    combo = wizard.combos["phone"]
    combo.setCurrentIndex(0)  # （不导入）
    qtbot.waitUntil(lambda: wizard.preview is not None and wizard.preview is not first and not wizard.busy,
                    timeout=20000)
    assert "phone" not in wizard.preview.table.columns
    assert wizard.combos["phone"].currentData() is None
    # The name column left out: the file cannot be imported, and the wizard says why.
    wizard.combos["name"].setCurrentIndex(0)
    qtbot.waitUntil(lambda: not wizard.busy and "姓名" in wizard.status.text(), timeout=20000)
    assert wizard.preview is None and not wizard.import_button.isEnabled() and wizard.model.rowCount() == 0
    wizard.combos["name"].setCurrentIndex(wizard.combos["name"].findText("姓名"))
    qtbot.waitUntil(lambda: wizard.preview is not None and not wizard.busy, timeout=20000)
    assert wizard.model.rowCount() == 2


def test_several_sheets_offer_a_choice(qtbot, wizard, tmp_path, roster):
    wb = openpyxl.load_workbook(roster)
    other = wb.create_sheet("说明")
    other.append(["这张表只是说明"])
    path = tmp_path / "两张表.xlsx"
    wb.save(path)
    loaded(qtbot, wizard, path)
    assert not wizard.sheet.isHidden()
    assert [wizard.sheet.itemText(i) for i in range(wizard.sheet.count())] == ["花名册", "说明"]
    assert wizard.sheet.currentText() == "花名册"


def test_unreadable_file_says_so(qtbot, wizard, tmp_path):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"not a spreadsheet at all")
    wizard.set_file(str(path))
    qtbot.waitUntil(lambda: not wizard.busy and wizard.status.text() != "", timeout=20000)
    assert wizard.preview is None and not wizard.import_button.isEnabled()


def test_recipients_page_opens_the_wizard_and_refreshes_after_import(qtbot, db, volunteer, roster):
    page = RecipientsPage(db, lambda: volunteer)
    qtbot.addWidget(page)
    page.show()
    assert page.import_button.isEnabled()
    w = page.open_import(str(roster))
    assert w is not None and page.import_wizard is w
    qtbot.waitUntil(lambda: w.preview is not None and not w.busy, timeout=20000)
    w.skip_invalid.setChecked(True)
    w.do_import()
    qtbot.waitUntil(lambda: w.import_result is not None, timeout=20000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=20000)
    assert page.count_label.text() == "共 1 人"
    wait_all()


def test_the_preview_model_passes_qtmodeltester(qtmodeltester, qtbot, wizard, roster):
    loaded(qtbot, wizard, roster)
    assert wizard.model.rowCount() == 2
    qtmodeltester.check(wizard.model)
    wizard.only_problems.setChecked(True)  # the filtered view too
    assert wizard.model.rowCount() == 1
    qtmodeltester.check(wizard.model)
