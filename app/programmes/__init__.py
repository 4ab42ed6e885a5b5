"""Aid programmes: eligibility, distribution days, sign-off sheets and transfer lists."""
