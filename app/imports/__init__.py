"""Files coming in: collection lists, rosters and past sign-off lists, all or nothing."""
