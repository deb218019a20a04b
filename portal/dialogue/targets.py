"""What in a chapter a comment may refer to: its paragraphs (text blocks, by block id) and its goals.

Block ids of a StreamField stay the same across revisions, so a comment keeps pointing at its
paragraph while the chapter is edited; the beginning of the paragraph is stored with the comment
too, so that a comment on a paragraph deleted later still says what it was about.
"""

from __future__ import annotations

import re

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

#: block types a reader may comment on (headings, figures and collections are not paragraphs)
TEXT_BLOCKS = ("paragraph", "noted_paragraph", "quote")
GOAL_BLOCKS = ("goals",)
EXCERPT_WORDS = 12


def _text_of(block) -> str:
    value = block.value
    if block.block_type == "paragraph":
        html = value.source
    elif block.block_type == "noted_paragraph":
        html = value["text"].source
    else:  # quote
        html = value["text"]
    text = strip_tags(str(html))
    return re.sub(r"\s+", " ", text).strip()


def targets(page) -> list[tuple[str, str]]:
    """(anchor, label) for every paragraph and goal of the chapter, in reading order."""
    found = []
    paragraph = goal = 0
    for block in page.body:
        if block.block_type in TEXT_BLOCKS:
            paragraph += 1
            excerpt = Truncator(_text_of(block)).words(EXCERPT_WORDS, truncate=" …")
            found.append((str(block.id), _("Absatz %(n)s: %(excerpt)s") % {"n": paragraph, "excerpt": excerpt}))
        elif block.block_type in GOAL_BLOCKS:
            for index, item in enumerate(block.value["goals"], start=1):
                goal += 1
                excerpt = Truncator(item["text"]).words(EXCERPT_WORDS, truncate=" …")
                found.append((f"{block.id}-{index}", _("Ziel %(n)s: %(excerpt)s") % {"n": goal, "excerpt": excerpt}))
    return found


def anchor_id(anchor: str) -> str:
    """The element id a comment's paragraph carries in the chapter (the goals of a list share their list's)."""
    if not anchor:
        return ""
    block_id = anchor.rsplit("-", 1)[0] if re.search(r"-\d+$", anchor) and anchor.count("-") > 4 else anchor
    return f"absatz-{block_id}"
