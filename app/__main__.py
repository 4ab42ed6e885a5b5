"""`python -m app ...`: the command line for township staff and scripts (no Qt)."""

from app.cli import main
from app.cli.console import setup_console

if __name__ == "__main__":
    setup_console()
    raise SystemExit(main())
