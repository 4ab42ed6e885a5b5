"""Funds (基金): the general fund, named community funds and directed funds."""
