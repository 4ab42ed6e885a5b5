"""CharityDesk's screens: Qt only. Calls `app/` services; never writes SQL."""
