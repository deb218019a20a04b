"""The content pack's English, loaded as wagtail-localize translations of the German pages and snippets.

For every German object the loader has two unsaved copies built from the pack,
one from the German files and one from the English files (``content/en/``).
wagtail-localize cuts both into the same segments (a title, a paragraph, a
list item, …); paired in order they give, for each German string of the pack,
its English. That pairing is imported into the object's ``Translation`` to
English like a translator's PO file, and the English page or snippet is then
saved from the translation (``Translation.save_target``).

So the English is not a detached copy: editors see and change it in the
translation editor, a PO export/import works on it, and when a German
paragraph changes (and the source is synced), its English shows up as
untranslated there.

Rules on re-running ``load_content``:

* a German string that already has an English translation keeps it: what a
  translator or editor changed is not overwritten;
* German strings without a translation get the pack's English, if the pack
  has English for exactly that German text (an editor's own German wording
  stays untranslated until someone translates it);
* with ``--update`` the pack's English overwrites existing translations of the
  pack's German strings, just as the German pages are overwritten.
"""

from __future__ import annotations

import re

import polib
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.segments import StringSegmentValue, TemplateSegmentValue
from wagtail_localize.segments.extract import extract_segments
from wagtail_localize.strings import validate_translation_links

from .content_pack import ContentPackError, LoadReport, Translatable

TOOL_NAME = "Inhaltspaket"
# How the messages name a translation ("Die englische Fassung …"); other languages by their code.
FASSUNG = {"en": "englische", "tr": "türkische", "uk": "ukrainische", "ar": "arabische"}

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|None")


def _with_block_ids(instance):
    """Give the blocks of an unsaved StreamField value ids, as saving would (segment paths need them)."""
    for field in instance._meta.get_fields():
        if isinstance(field, StreamField):
            value = getattr(instance, field.name)
            setattr(instance, field.name, field.to_python(field.get_prep_value(value)))
    return instance


def _segments(instance) -> list:
    if not getattr(instance, "_block_ids_set", False):
        _with_block_ids(instance)
        instance._block_ids_set = True
    return extract_segments(instance)


def _strings(instance) -> list[StringSegmentValue]:
    return [s for s in _segments(instance) if isinstance(s, StringSegmentValue)]


def _shape(path: str) -> str:
    """A segment's place without block and child ids, which differ between two unsaved copies."""
    return _ID.sub("*", path)


def _fassung(item: Translatable) -> str:
    return FASSUNG.get(item.language, f"{item.language}-")


def english_for(item: Translatable) -> dict[str, str]:
    """German string of the pack -> its translation (English or ``item.language``), for one object."""
    fassung = _fassung(item)
    german, english = _strings(item.german), _strings(item.english)
    german_shapes, english_shapes = [_shape(s.path) for s in german], [_shape(s.path) for s in english]
    if german_shapes != english_shapes:
        for i, (g, e) in enumerate(zip(german_shapes + [None], english_shapes + [None], strict=False)):
            if g != e:
                at = german[i].string.data[:60] if i < len(german) else "(Ende)"
                raise ContentPackError(
                    f"{item.where}: Die {fassung} Fassung hat nicht dieselben Abschnitte wie die deutsche "
                    f"(Absätze, Listenpunkte und Felder müssen einander entsprechen); erste Abweichung im Feld "
                    f"{(g or e).split('.')[0]!r} bei „{at}“."
                )
    german_templates = [(_shape(t.path), t.template) for t in _segments(item.german) if isinstance(t, TemplateSegmentValue)]
    english_templates = [(_shape(t.path), t.template) for t in _segments(item.english) if isinstance(t, TemplateSegmentValue)]
    for (path, g), (_path, e) in zip(german_templates, english_templates, strict=True):
        if g != e:
            raise ContentPackError(
                f"{item.where}: Die {fassung} Fassung ist im Feld {path.split('.')[0]!r} anders gegliedert als die "
                f"deutsche (z. B. ein ganz kursiver oder fetter Absatz, eine Liste statt eines Absatzes): "
                f"deutsch {g[:120]!r}, übersetzt {e[:120]!r}."
            )
    pairs: dict[str, str] = {}
    for g, e in zip(german, english, strict=True):
        source, target = g.string.data, e.string.data
        try:
            validate_translation_links(source, target)
        except ValueError as exc:
            raise ContentPackError(
                f"{item.where}: Die {fassung} Fassung von „{source[:60]}“ hat andere Links als die deutsche ({exc})."
            ) from exc
        if source and target:
            pairs.setdefault(source, target)
    return pairs


def translate(items: list[Translatable], *, update: bool, report: LoadReport) -> None:
    locales = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in={i.language for i in items})}
    sources: dict[tuple[str, int], TranslationSource] = {}  # one source per object, however many languages
    for item in items:
        if item.language not in locales:
            raise ContentPackError(f"{item.where}: Sprache {item.language!r} ist keine Inhaltssprache des Portals (LANGUAGES).")
        _translate_one(item, locales[item.language], update=update, report=report, sources=sources)


def _translate_one(item: Translatable, locale: Locale, *, update: bool, report: LoadReport, sources: dict) -> None:
    pairs = english_for(item)
    instance = type(item.instance).objects.get(pk=item.instance.pk)  # as stored, so re-runs compare equal
    key = (instance._meta.label, instance.pk)
    if key not in sources:
        sources[key] = TranslationSource.update_or_create_from_instance(instance)[0]
    source = sources[key]
    translation, created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    if not translation.enabled:
        return  # an editor chose to edit this translation by hand in Wagtail's editor; leave it alone
    existing = {
        (string_id, context_id): data
        for string_id, context_id, data in StringTranslation.objects.filter(
            locale=locale, context__object_id=source.object_id
        ).values_list("translation_of_id", "context_id", "data")
    }
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=utf-8", "X-WagtailLocalize-TranslationID": str(translation.uuid)}
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context").order_by("order"):
        english = pairs.get(segment.string.data)
        if english is None:
            continue
        key = (segment.string_id, segment.context_id)
        if key in existing and (not update or existing[key] == english):
            continue
        po.append(polib.POEntry(msgctxt=segment.context.path, msgid=segment.string.data, msgstr=english))
    if po:
        warnings = translation.import_po(po, tool_name=TOOL_NAME)
        if warnings:
            raise ContentPackError(f"{item.where}: Übersetzung nicht übernommen: {warnings}")
        broken = StringTranslation.objects.filter(
            locale=locale, context__object_id=source.object_id, has_error=True
        ).values_list("data", flat=True)
        if broken:
            raise ContentPackError(f"{item.where}: fehlerhafte Texte der {_fassung(item)}n Fassung: {list(broken)[:3]}")
    target_exists = type(item.instance).objects.filter(
        translation_key=instance.translation_key, locale=locale
    ).exists()
    if po or created or not target_exists:
        if isinstance(instance, Page):
            # save_target(publish=True) publishes on commit from the page object as it was when saved, which
            # would undo the tree bookkeeping (numchild) of pages whose children are added later in this run.
            translation.save_target(publish=False)
            source.get_translated_instance(locale).get_latest_revision().publish()
        else:
            translation.save_target(publish=True)
        label = "englische Übersetzungen" if item.language == "en" else f"Übersetzungen ({item.language})"
        report.count(label, created=not target_exists)
