"""Who a programme reaches on a given day, and why: the candidate list of a distribution.

`plan()` judges every registered person against the programme's rules on the
distribution's DATE — age in completed years on that day, registered on that day
(a person who died after a back-dated distribution was still alive for it), not
aided by this programme in the window before that day — whenever the person was
registered. Each candidate carries the reasons they are in or out, in Chinese, and
short codes for screens and tests. Hand-made additions and removals (with reasons)
come from the draft. It then checks the total against the fund's balance now
(less money that donors directed to other programmes) and the programme's budget,
and, only when asked, fits the list to the budget by the programme's priority order.

Nothing here writes: confirming is `app.programmes.distributions.confirm`.

query: the one pass over the register; reasons: why in or out, in words and codes; checks: what
confirming would break (fund, budget); planning: the list itself.
"""

from app.programmes.eligibility.checks import (
    DirectedMoney,
    FundCheck,
    FundShortfall,
    OverBudget,
    Problem,
    fund_check,
    problems_for,
    programme_matches,
)
from app.programmes.eligibility.planning import Adjustment, Plan, plan
from app.programmes.eligibility.query import MONEY_STATUSES, check_date, latest_birth, months_before
from app.programmes.eligibility.reasons import (
    IN_MANUAL,
    IN_RULES,
    OUT_AIDED,
    OUT_BUDGET,
    OUT_CATEGORY,
    OUT_HOUSEHOLD,
    OUT_MANUAL,
    OUT_NO_BIRTH,
    OUT_STATUS,
    OUT_TOO_OLD,
    OUT_TOO_YOUNG,
    OUT_UNBORN,
    OUT_VILLAGE,
    OUT_WORDS,
    Candidate,
    explain_excluded,
)

__all__ = [
    "IN_MANUAL", "IN_RULES", "MONEY_STATUSES", "OUT_AIDED", "OUT_BUDGET", "OUT_CATEGORY", "OUT_HOUSEHOLD",
    "OUT_MANUAL", "OUT_NO_BIRTH", "OUT_STATUS", "OUT_TOO_OLD", "OUT_TOO_YOUNG", "OUT_UNBORN", "OUT_VILLAGE",
    "OUT_WORDS", "Adjustment", "Candidate", "DirectedMoney", "FundCheck", "FundShortfall", "OverBudget", "Plan",
    "Problem", "check_date", "explain_excluded", "fund_check", "latest_birth", "months_before", "plan",
    "problems_for", "programme_matches",
]
