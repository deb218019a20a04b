"""The environment of a portal started with production settings, for tests that start it in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "k" * 10 + "Zx9!pQ2#vL7$mN4&bR8*tY1^wE5@uI3(oP6)aS0-dF"
# Variables of this shell that would change what the started portal does.
NOT_INHERITED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE", "MEP_PUBLIC_BASE_URL", "WAGTAILADMIN_BASE_URL", "REDIS_URL", "SECURE_HSTS_PRELOAD",
}


def production_env(tmp_path, **extra) -> dict[str, str]:
    """Production settings with the required variables set, on a SQLite file in ``tmp_path``; ``extra`` wins."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "mep.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            **extra,
        }
    )
    return env


def manage(env, *args, timeout=120):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
