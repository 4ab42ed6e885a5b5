"""The station itself: its profile, its operators and the home page figures."""
