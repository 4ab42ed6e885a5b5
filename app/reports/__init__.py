"""Reports for township staff, auditors and the public wall, each one table through `app.excel`.

`donation_ledger` 捐赠台账, `disbursement_ledger` 发放台账, `fund_statement`
基金收支表 and `public_notice` 公示. Every report takes a `Period` (no dates:
everything) and streams its rows from SQL, so 100,000 records never sit in a list.
"""
