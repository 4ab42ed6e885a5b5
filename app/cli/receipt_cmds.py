"""Commands for donations and their receipts: donate, donation void, receipts, receipt …,
receipt-report."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

from app.cli import Context, UsageError
from app.errors import Conflict, DataError, InputError
from app.rules.money import format_fen, parse_yuan

LAYOUT_CHOICES = ("a5", "a4-3", "slip")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("donate", parents=[common], help="登记一笔捐赠并开收据")
    p.add_argument("--donor", required=True, help="捐赠人姓名或单位名称（匿名：匿名爱心人士）")
    p.add_argument("--donor-kind", choices=("person", "enterprise", "anonymous"),
                   help="捐赠人类型（默认：个人；填了信用代码为爱心企业）")
    p.add_argument("--phone", default="", help="捐赠人电话（新捐赠人，或区分同名）")
    p.add_argument("--credit-code", default="", help="统一社会信用代码（爱心企业）")
    p.add_argument("--amount", help="现金金额（元）")
    p.add_argument("--goods", action="append", default=[], metavar="物品,数量,单位[,单价]",
                   help="物资明细，可重复；单价（元）不填表示未估值")
    p.add_argument("--method", default="现金", help="付款方式：现金、银行转账、微信、支付宝")
    p.add_argument("--fund", help="基金名称（不填：非定向基金）")
    p.add_argument("--for-person", metavar="ID_NUMBER", help="定向给一个人：受助对象的身份证号")
    p.add_argument("--for-village", metavar="VILLAGE", default="", help="定向给一个村")
    p.add_argument("--date", help="捐赠日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--purpose", default="", help="用途")
    p.add_argument("--note", default="", help="备注（不印在收据上）")
    p.add_argument("-o", "--output", type=Path, help="同时打印收据到这个 PDF 文件")
    p.add_argument("--layout", choices=LAYOUT_CHOICES, help="收据版式（默认：设置中的版式）")
    p.set_defaults(func=cmd_donate, show=lambda r: (
        f"已登记 {r['donor']['name']} 捐赠 ¥{format_fen(r['donation']['amount_fen'])}，"
        f"收据编号 {r['receipt']['number']}" + (f"，已打印到 {r['pdf']}" if r.get("pdf") else "")))

    donation = sub.add_parser("donation", help="捐赠：作废")
    dsub = donation.add_subparsers(dest="donation_command", metavar="SUBCOMMAND")
    p = dsub.add_parser("void", parents=[common], help="作废一笔捐赠（连同它的收据）")
    p.add_argument("target", metavar="收据编号或捐赠编号")
    p.add_argument("--reason", required=True, help="作废原因")
    p.set_defaults(func=cmd_donation_void, show=lambda r: (
        f"已作废捐赠 {r['donation']['id']}" + (f"，收据 {r['receipt']['number']} 同时作废"
                                            if r.get("receipt") else "")))

    p = sub.add_parser("receipts", parents=[common], help="把收据打印到一个 PDF（每笔捐赠一张）")
    p.add_argument("--from", dest="date_from", help="开始日期 YYYY-MM-DD（按捐赠日期）")
    p.add_argument("--to", dest="date_to", help="结束日期 YYYY-MM-DD")
    p.add_argument("--layout", choices=LAYOUT_CHOICES, help="版式（默认：设置中的版式）")
    p.add_argument("-o", "--output", type=Path, required=True, help="PDF 文件")
    p.add_argument("--no-count", action="store_true", help="只看不打：不计入打印次数")
    p.set_defaults(func=cmd_receipts, show=lambda r: (
        f"已写出 {r['receipts']} 张收据（{r['pages']} 页，其中作废 {r['voided']}、补打 {r['copies']}）："
        f"{r['path']}"))

    p = sub.add_parser("receipt-report", parents=[common], help="某年收据编号使用情况（一号一行）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("-o", "--output", type=Path, help="写成 Excel 文件（.xlsx）")
    p.set_defaults(func=cmd_report, show=_show_report)

    receipt = sub.add_parser("receipt", help="收据：查看、作废、重开、补打、票据号、设置")
    rsub = receipt.add_subparsers(dest="receipt_command", metavar="SUBCOMMAND")
    p = rsub.add_parser("show", parents=[common], help="查看一张收据和同一笔捐赠的所有收据")
    p.add_argument("number", metavar="收据编号")
    p.set_defaults(func=cmd_show, show=_show_receipt)
    p = rsub.add_parser("void", parents=[common], help="作废收据（编号保留）；捐赠仍有效，可重开")
    p.add_argument("number", metavar="收据编号")
    p.add_argument("--reason", required=True, help="作废原因")
    p.add_argument("--reissue", action="store_true", help="作废后立即用新编号重开")
    p.set_defaults(func=cmd_void, show=lambda r: (
        f"收据 {r['voided']['number']} 已作废" + (f"，重开为 {r['receipt']['number']}"
                                             if r.get("receipt") else "")))
    p = rsub.add_parser("reissue", parents=[common], help="为收据已作废的捐赠重开收据（新编号）")
    p.add_argument("number", metavar="已作废的收据编号")
    p.set_defaults(func=cmd_reissue, show=lambda r: f"已重开收据 {r['receipt']['number']}")
    p = rsub.add_parser("reprint", parents=[common], help="补打收据（计入打印次数，印“补打”）")
    p.add_argument("number", metavar="收据编号")
    p.add_argument("-o", "--output", type=Path, required=True, help="PDF 文件")
    p.add_argument("--layout", choices=LAYOUT_CHOICES)
    p.set_defaults(func=cmd_reprint, show=lambda r: (
        f"收据 {r['receipt']['number']} 第 {r['receipt']['print_count']} 次打印"
        f"{'（补打）' if r['copy'] else ''}：{r['pdf']}"))
    p = rsub.add_parser("official", parents=[common], help="登记上级发放的公益事业捐赠票据号")
    p.add_argument("number", metavar="收据编号")
    p.add_argument("official", metavar="票据号")
    p.set_defaults(func=cmd_official, show=lambda r: (
        f"收据 {r['receipt']['number']} 的票据号：{r['receipt']['official_number']}"))
    p = rsub.add_parser("config", parents=[common], help="收据标题和默认版式")
    p.add_argument("--title", help="收据标题，如 捐赠收据")
    p.add_argument("--layout", choices=LAYOUT_CHOICES, help="默认版式")
    p.set_defaults(func=cmd_config, show=lambda r: f"收据标题：{r['title']}，默认版式：{r['layout']}")


def parse_date(text: str | None, what: str = "日期") -> dt.date | None:
    """2026-03-05, 2026/3/5, 2026.3.5 or 20260305 → a date; None stays None."""
    if text is None:
        return None
    s = text.strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s) or \
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise InputError("bad_date", f"{what}没有这一天：{text}（月份 1–12，日子不超过当月天数）") from None
    raise InputError("bad_date", f"{what}应写成 YYYY-MM-DD：{text}")


def _goods(specs: list[str]) -> list[Any]:
    from app.donations.donations import GoodsLine

    lines = []
    for i, spec in enumerate(specs, start=1):
        parts = [x.strip() for x in re.split(r"[,，]", spec)]
        if len(parts) not in (3, 4):
            raise InputError("bad_goods", f"第 {i} 项物资应写成 物品,数量,单位[,单价]：{spec}")
        price = parse_yuan(parts[3], allow_zero=True) if len(parts) == 4 and parts[3] else None
        lines.append(GoodsLine(parts[0], parts[1], parts[2], price))
    return lines


def _find_or_create_donor(ctx: Context, args: argparse.Namespace) -> Any:
    from app.donations import donors
    from app.donations.donors import ANONYMOUS_NAME
    from app.rules.codes import parse_credit_code, parse_phone

    name = args.donor.strip()
    kind = args.donor_kind or ("enterprise" if args.credit_code.strip() else "person")
    if kind == "anonymous" or name in ("匿名", ANONYMOUS_NAME):
        return donors.anonymous_donor(ctx.db, ctx.actor)
    if args.credit_code.strip():
        code = parse_credit_code(args.credit_code)
        row = ctx.db.one("SELECT id FROM donors WHERE credit_code = ?", (code,))
        if row is not None:
            return donors.get_donor(ctx.db, row["id"])
    rows = ctx.db.query("SELECT id, phone FROM donors WHERE name = ? AND kind = ?", (name, kind))
    if args.phone.strip():
        phone = parse_phone(args.phone)
        rows = [r for r in rows if r["phone"] == phone]
    if len(rows) == 1:
        return donors.get_donor(ctx.db, rows[0]["id"])
    if len(rows) > 1:
        raise Conflict("ambiguous_donor", f"有 {len(rows)} 位名为“{name}”的捐赠人，请用 --phone 区分",
                       name=name)
    return donors.create_donor(ctx.db, ctx.actor, kind, name, phone=args.phone,
                               credit_code=args.credit_code)


def _person_id(ctx: Context, id_number: str) -> str:
    """The person an ID number names in the register, or a refusal saying so."""
    from app.errors import NotFound
    from app.recipients import recipients
    from app.rules.idcard import normalise

    person = recipients.find_by_id_number(ctx.db, normalise(id_number))
    if person is None:
        raise NotFound("no_recipient", f"受助对象名册中没有身份证号 {id_number}：请先登记此人")
    return person.id


def cmd_donate(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import donations, receipt_print, receipts
    from app.funds import funds
    from app.safe_write import write_bytes

    goods = _goods(args.goods)
    if goods and args.amount:
        raise InputError("cash_and_goods", "一笔捐赠不能既有现金金额又有物资，请分开登记")
    if not goods and not args.amount:
        raise InputError("no_amount", "请用 --amount 填写金额，或用 --goods 填写物资")
    amount = parse_yuan(args.amount) if args.amount else 0
    method = donations.method_from_text(args.method) if not goods else None
    fund_id = funds.find_fund(ctx.db, args.fund).id if args.fund else None
    on = parse_date(args.date, "捐赠日期") or dt.date.today()
    recipient_id = _person_id(ctx, args.for_person) if args.for_person else None
    if args.output and (Path(args.output).is_dir() or not Path(args.output).parent.is_dir()):
        raise InputError("bad_output", f"收据 PDF 无法写到 {args.output}（是文件夹，或所在文件夹不存在）；捐赠没有登记")
    with ctx.db.transaction():  # a new donor and the donation land together
        donor = _find_or_create_donor(ctx, args)
        d = donations.record_donation(ctx.db, ctx.actor, donations.DonationInput(
            donor_id=donor.id, donated_on=on, amount_fen=amount, method=method, goods=goods,
            fund_id=fund_id, purpose=args.purpose, note=args.note, recipient_id=recipient_id,
            village=args.for_village))
    r = receipts.receipt_for_donation(ctx.db, d.id)
    assert r is not None
    out: dict[str, Any] = {"donor": donor.to_dict(), "donation": d.to_dict()}
    if args.output:
        # Count the print only once the file is there, so a failed write leaves no false 补打.
        try:
            write_bytes(args.output, receipt_print.receipt_pdf(ctx.db, r.number, layout=args.layout,
                                                             reprint=False))
        except DataError as exc:
            out["receipt"] = r.to_dict()
            out["warning"] = f"捐赠已登记，收据号 {r.number}，但 PDF 没有写出：{exc.message}"
            ctx.say(out["warning"])
            return out
        receipts.record_print(ctx.db, ctx.actor, r.number)
        out["pdf"] = str(args.output)
        r = receipts.get_receipt(ctx.db, r.id)
    out["receipt"] = r.to_dict()
    return out


def _donation_id(ctx: Context, target: str) -> str:
    from app.donations import receipts

    t = target.strip()
    if re.fullmatch(r"[0-9a-f]{32}", t):
        return t
    return receipts.find_receipt(ctx.db, t).donation_id


def cmd_donation_void(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import donations, receipts

    did = _donation_id(ctx, args.target)
    live = receipts.receipt_for_donation(ctx.db, did)
    d = donations.void_donation(ctx.db, ctx.actor, did, args.reason)
    out: dict[str, Any] = {"donation": d.to_dict()}
    if live is not None:
        out["receipt"] = receipts.get_receipt(ctx.db, live.id).to_dict()
    return out


def cmd_receipts(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import receipt_print

    result = receipt_print.write_receipts(
        ctx.db, ctx.actor, args.output, date_from=parse_date(args.date_from, "开始日期"),
        date_to=parse_date(args.date_to, "结束日期"), layout=args.layout,
        count_prints=not args.no_count)
    return result.to_dict()


def cmd_report(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.reports import receipt_report

    report = receipt_report.build(ctx.db, args.year)
    out = report.to_dict()
    if args.output:
        if args.output.suffix.lower() != ".xlsx":
            raise UsageError(f"收据使用情况表应保存为 .xlsx 文件：{args.output}")
        from app.reports.period import station_text

        out["file"] = str(receipt_report.write_xlsx(report, args.output, station_text(ctx.db)))
    if report.missing:
        out["_exit"] = 4  # numbers nobody can account for: as `check` does for damage
    return out


def _show_report(r: dict[str, Any]) -> str:
    s = r["summary"]
    if not s["numbers"]:
        head = f"{s['year']} 年没有开过收据"
    else:
        head = (f"{s['year']} 年收据 {s['first']} 至 {s['last']}，共 {s['numbers']} 个编号：有效 {s['valid']}"
                f"（已打印 {s['printed']}，其中有补打 {s['reprinted']}；未打印 {s['never_printed']}），"
                f"作废 {s['voided']}，缺号 {s['missing']}")
    lines = [head]
    lines += [f"缺号（未解释）：{n}" for n in r["missing"]]
    voided = [row for row in r["rows"] if row["status"] == "voided"]
    lines += [f"{row['number']} {row['explanation']}" for row in voided[:50]]
    if len(voided) > 50:
        lines.append(f"……另有 {len(voided) - 50} 张作废收据，见 --json 或 -o 的 Excel 文件")
    if r["unreceipted"]:
        lines.append(f"未开收据的捐赠 {len(r['unreceipted'])} 笔：")
        lines += [f"  {u['donated_on']} {u['donor']} ¥{format_fen(u['amount_fen'])} {u['reason']}"
                  for u in r["unreceipted"][:50]]
    if r.get("file"):
        lines.append(f"已写出：{r['file']}")
    return "\n".join(lines)


def cmd_show(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import donations, receipts

    r = receipts.find_receipt(ctx.db, args.number)
    d = donations.get_donation(ctx.db, r.donation_id)
    return {"receipt": r.to_dict(), "donation": d.to_dict(),
            "all_receipts": [x.to_dict() for x in receipts.receipts_for_donation(ctx.db, d.id)]}


def _show_receipt(r: dict[str, Any]) -> str:
    from app.donations.receipts import STATUS_NAMES

    rc, d = r["receipt"], r["donation"]
    lines = [f"收据 {rc['number']}（{STATUS_NAMES[rc['status']]}）捐赠日期 {d['donated_on']} "
             f"金额 ¥{format_fen(d['amount_fen'])}，打印 {rc['print_count']} 次"]
    if rc["void_reason"]:
        lines.append(f"作废原因：{rc['void_reason']}")
    if rc["official_number"]:
        lines.append(f"票据号：{rc['official_number']}")
    others = [x["number"] + ("（作废）" if x["status"] == "voided" else "")
              for x in r["all_receipts"] if x["number"] != rc["number"]]
    if others:
        lines.append("同一笔捐赠的其他收据：" + "、".join(others))
    return "\n".join(lines)


def cmd_void(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import receipts

    if args.reissue:
        old = receipts.find_receipt(ctx.db, args.number)
        new = receipts.replace_receipt(ctx.db, ctx.actor, args.number, args.reason)
        return {"voided": receipts.get_receipt(ctx.db, old.id).to_dict(), "receipt": new.to_dict()}
    return {"voided": receipts.void_receipt(ctx.db, ctx.actor, args.number, args.reason).to_dict()}


def cmd_reissue(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import receipts

    old = receipts.find_receipt(ctx.db, args.number)
    return {"receipt": receipts.issue_receipt(ctx.db, ctx.actor, old.donation_id).to_dict()}


def cmd_reprint(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import receipt_print, receipts
    from app.safe_write import write_bytes

    pdf = receipt_print.print_receipt(ctx.db, ctx.actor, args.number, layout=args.layout)
    write_bytes(args.output, pdf)
    r = receipts.find_receipt(ctx.db, args.number)
    return {"receipt": r.to_dict(), "copy": r.print_count > 1, "pdf": str(args.output)}


def cmd_official(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import receipts

    return {"receipt": receipts.set_official_number(ctx.db, ctx.actor, args.number,
                                                    args.official).to_dict()}


def cmd_config(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import station

    if args.title is not None:
        title = args.title.strip()
        if not title or len(title) > 20:
            raise InputError("bad_title", "收据标题应为 1–20 个字")
        station.set_setting(ctx.db, ctx.actor, "receipt_title", title)
    if args.layout:
        station.set_setting(ctx.db, ctx.actor, "receipt_layout", args.layout)
    return {"title": station.get_setting(ctx.db, "receipt_title"),
            "layout": station.get_setting(ctx.db, "receipt_layout")}
