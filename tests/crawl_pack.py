"""Crawl a portal set up from a content pack, in a process of its own: ``python -m tests.crawl_pack OUT.json``.

``tests/test_second_city.py`` sets up a fresh database with another pack
(``MEP_CONTENT_PACK``) and runs this against it, because the test process's
own database holds Bochum's pack. Writes ``{url: {"status": …, "type": …,
"body": …}}`` for every page reachable from the start pages by links that stay
on the portal (no query strings), plus theme files and a few pages with queries.
"""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import urldefrag, urlparse

START = ["/", "/en/", "/workshops/", "/en/workshops/", "/offene-daten/", "/suche/?q=Schule", "/theme/theme.css",
         "/theme/logo", "/theme/favicon", "/api/v1/openapi.json", "/abbildungen/vergleich/?key=finance.forecast"]
SKIP = (".ics", ".csv", ".json", ".pdf", ".svg", ".png", ".xlsx", ".zip")


def crawl(client) -> dict[str, dict]:
    from bs4 import BeautifulSoup

    seen: dict[str, dict] = {}
    queue = list(reversed(START))
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = {"status": response.status_code, "type": content_type, "body": body.decode("utf-8", "replace")}
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        doc = BeautifulSoup(body, "html.parser")
        for element in doc.find_all(["a", "link"], href=True):
            href = urldefrag(element["href"])[0]
            if not href or urlparse(href).netloc or not href.startswith("/") or "?" in href:
                continue
            if href.startswith(("/admin", "/static/", "/media/", "/documents/", "/pdf/")) or href.endswith(SKIP) or href in seen:
                continue
            if element.name == "link" and element.get("rel") not in (["alternate"],):
                continue
            queue.append(href)
    return seen


def main(out: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.test import Client

    pages = crawl(Client(HTTP_HOST="localhost"))
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(pages, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
