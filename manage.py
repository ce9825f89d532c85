#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neutrality.settings")
    if not os.environ.get("SECRET_KEY") and "DEBUG" not in os.environ:
        # A developer's checkout works out of the box; a deployment sets SECRET_KEY and is unaffected.
        os.environ["DEBUG"] = "1"
        print("manage.py: no SECRET_KEY set, running in development mode (DEBUG=1).", file=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
