"""Table models: they hold ids and fetch rows as they are shown."""
