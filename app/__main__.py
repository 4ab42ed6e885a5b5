"""`python -m app ...`: the command line for township staff and scripts (no Qt)."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
