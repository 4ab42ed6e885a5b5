"""Start CharityDesk's window: `python main.py [--db PATH]`.

The splash shows first (ui/splash.py, Qt widgets only); the rest of the program is
imported after it, inside the guard that turns any unexpected error into a plain
message (ui/failsafe.py).
"""

import sys

from ui import failsafe, splash


def main() -> int:
    failsafe.install()
    watch = splash.show(sys.argv)

    def start() -> int:
        from ui.app import run

        return run()

    return watch.exit_code(failsafe.guarded(start))


if __name__ == "__main__":
    sys.exit(main())
