# Two commands: `make run` (demo on http://127.0.0.1:8000, SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed


.PHONY: run serve test install setup demo browser pdf-libs wrk bench-pages clean catalogues messages

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[portal,test]"
	touch $(STAMP)

# The interface translations (.po -> .mo), compiled in pure Python: no GNU gettext needed.
install: $(STAMP)
	$(BIN)/python manage.py compile_catalogues --verbosity 0

catalogues: install

# Translators: collect new interface strings into the .po files (needs GNU gettext's xgettext).
messages: install
	$(BIN)/python manage.py makemessages --locale en --no-obsolete --add-location file \
	  --ignore '.venv/*' --ignore 'tests/*' --ignore 'plugins/*' --ignore 'content/*' --ignore 'bench/*' \
	  --ignore 'portal/engine/*' --ignore 'static_collected/*' --ignore 'media/*' --ignore 'var/*'
	$(BIN)/python manage.py compile_catalogues

# Database, content pack, admin account, demo figures: safe to run again, duplicates nothing.
setup: install pdf-libs
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py load_workshops
	$(BIN)/python manage.py ensure_admin

# Beside the server, Wagtail's publish_scheduled once a minute: pages and goals released with a
# "go live" date appear then (production: the same command from cron or a systemd timer).
run: setup
	@( while sleep 60; do $(BIN)/python manage.py publish_scheduled >/dev/null || true; done ) & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:8000

# Every process as production runs them (Procfile): web, task worker (tasks wait in the database), clock.
serve: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" MEP_TASK_QUEUE=database $(BIN)/honcho start -f Procfile

# Browser tests drive Debian's chromium; install it where we may (CI, root).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; \
	  else echo "Für die Browser-Tests bitte Debians chromium installieren: sudo apt-get install chromium"; exit 1; fi; }

# The plan as PDF (WeasyPrint) needs Pango and HarfBuzz; Debian's packages, installed where we may.
# The fonts come with the project (portal/static/fonts), so no font package is needed.
pdf-libs:
	@{ /sbin/ldconfig -p 2>/dev/null | grep -q libpango-1.0.so.0 && /sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 \
	  && /sbin/ldconfig -p | grep -q libharfbuzz-subset.so.0; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; \
	  else echo "Für das PDF des Plans bitte Pango installieren: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; exit 1; fi; }

# The page benchmark's load generator: Debian's wrk where we may install it; without it
# bench/pages.py falls back to its own Python load generator. Never needed by run or test.
wrk:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "wrk fehlt (sudo apt-get install wrk): bench/pages.py misst mit seinem Python-Lastgenerator"; fi; }

# Public pages under load next to /healthz (README, "Benchmark: Seiten"); e.g. make bench-pages BENCH_ARGS=--quick
bench-pages: install wrk
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

test: install browser pdf-libs
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf $(VENV) db.sqlite3 var static_collected media
