"""The start every benchmark shares: Django on a throw-away SQLite database unless DATABASE_URL is set."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(name: str, *, fresh: bool = True) -> Path | None:
    """Configure and start Django; return the throw-away database file (None when DATABASE_URL names one).

    Child processes inherit DATABASE_URL, so only the first process of a run ever removes the file.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neutrality.settings")
    database = None
    if "DATABASE_URL" not in os.environ:
        database = Path(f"/tmp/netralitas-bench-{name}.sqlite3")
        if fresh:
            database.unlink(missing_ok=True)  # a fresh database each run
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"

    import django

    django.setup()
    return database
