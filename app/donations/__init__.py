"""Gifts coming in: donations, donors, numbered receipts and the donation list."""
