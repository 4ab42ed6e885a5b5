"""Meal subsidies for the elderly (助餐补贴): canteens, the scheme, enrolments, meal counts, statements."""
