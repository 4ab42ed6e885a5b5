"""CharityDesk without a screen: data, rules and files in and out. Never imports Qt."""

__version__ = "0.1.0"
