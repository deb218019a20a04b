"""Production settings pass Django's deployment checks when the environment is set."""

import os
import subprocess
import sys

import pytest

from tests.production import ROOT, manage, production_env


def test_production_settings_pass_check_deploy(tmp_path):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a deployment check.
    env = production_env(tmp_path, MEP_PUBLIC_BASE_URL="https://mep.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", "ALLOWED_HOSTS": "x"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_public_address(tmp_path):
    result = manage(production_env(tmp_path), "check")
    assert result.returncode != 0
    assert "Die öffentliche Adresse des Portals fehlt: Setzen Sie MEP_PUBLIC_BASE_URL" in result.stderr


@pytest.mark.parametrize("name", ["MEP_PUBLIC_BASE_URL", "WAGTAILADMIN_BASE_URL"])
def test_production_refuses_a_public_address_without_https(tmp_path, name):
    result = manage(production_env(tmp_path, **{name: "http://mep.example.org"}), "check")
    assert result.returncode != 0
    assert f"{name} muss mit https:// beginnen (jetzt: 'http://mep.example.org')" in result.stderr


@pytest.mark.parametrize("name", ["MEP_PUBLIC_BASE_URL", "WAGTAILADMIN_BASE_URL"])
def test_production_starts_with_an_https_public_address_and_links_to_it(tmp_path, name):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from portal.workshops.calendar import public_base_url; "
        "print(public_base_url('http://10.0.0.5:8000/'), settings.WAGTAILADMIN_BASE_URL)"
    )
    env = production_env(tmp_path, **{name: "https://mep.example.org/"})
    assert manage(env, "check").returncode == 0
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    # the configured address wins over the host a request named
    assert result.stdout.split() == ["https://mep.example.org", "https://mep.example.org"], result.stderr


def test_a_cache_of_one_process_is_refused_where_a_shared_one_is_required(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "MEP_SHARED_CACHE_REQUIRED": "true"}
    result = manage(env, "check")
    assert result.returncode != 0
    assert "workshops.E001" in result.stderr and "Der Cache „default“" in result.stderr
    assert "Ein gemeinsamer Cache ist nötig: Setzen Sie REDIS_URL" in result.stderr


def test_production_refuses_a_cache_of_one_process(tmp_path):
    """A settings module built on production that swaps in a per-process cache does not pass the checks."""
    (tmp_path / "local_settings.py").write_text(
        "from portal.settings.production import *  # noqa\n"
        "CACHES = {**CACHES, 'pages': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}\n"
    )
    env = production_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="local_settings",
        MEP_PUBLIC_BASE_URL="https://mep.example.org",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    result = manage(env, "check")
    assert result.returncode != 0
    assert "Der Cache „pages“ (django.core.cache.backends.locmem.LocMemCache) gilt nur innerhalb eines Prozesses" in result.stderr
    assert "„default“" not in result.stderr  # production's own default cache is shared
    # gunicorn runs no system checks, so loading the WSGI application must refuse as well
    wsgi = subprocess.run(
        [sys.executable, "-c", "from portal.wsgi import application"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert wsgi.returncode != 0
    assert "workshops.E001" in wsgi.stderr and "Ein gemeinsamer Cache ist nötig" in wsgi.stderr


def test_a_client_ip_header_without_trusted_proxies_is_refused(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "MEP_CLIENT_IP_HEADER": "HTTP_X_REAL_IP"}
    result = manage(env, "check")
    assert result.returncode != 0
    assert "workshops.E003" in result.stderr and "Setzen Sie MEP_TRUSTED_PROXY_COUNT" in result.stderr
    env["MEP_TRUSTED_PROXY_COUNT"] = "1"
    assert manage(env, "check").returncode == 0


JIT_CODE = (
    "import django; django.setup(); from django.db import connection; "
    "cursor = connection.cursor(); cursor.execute('SHOW jit'); jit = cursor.fetchone()[0]; "
    "cursor.execute('SHOW statement_timeout'); print(jit, cursor.fetchone()[0])"
)


@pytest.mark.parametrize(
    ("query", "timeout"), [("", "0"), ("?options=-c%20statement_timeout%3D7000", "7s")], ids=["plain", "own-options"]
)
def test_postgresql_connections_never_jit_compile_and_keep_the_operators_options(tmp_path, query, timeout):
    # JIT compiling the page-tree query cost ~0.75 s on every uncached page (bench/pages.py, cold)
    env = production_env(tmp_path, MEP_PUBLIC_BASE_URL="https://mep.example.org")
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/postgres{query}"
    result = subprocess.run([sys.executable, "-c", JIT_CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["off", timeout], result.stderr
