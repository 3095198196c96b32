"""The theme's words in the site's language: dates through Babel, labels from one table.

Babel loads only when a page is rendered (a no-op build renders none), so `lang` is checked
then, at its `site.toml` line.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from .errors import BuildError, Problem, source_line

# One table for every word the default theme prints. A language missing here gets the English
# labels (with a warning at `lang`); dates are localised by Babel for any language it knows.
LABELS: dict[str, dict[str, str]] = {
    "en": {"skip": "Skip to content", "menu": "Menu", "archive": "Archive", "tags": "Tags",
           "search": "Search", "all_posts": "All posts", "older": "Older", "newer": "Newer",
           "previous_post": "Previous post", "next_post": "Next post", "updated": "Updated",
           "min_read": "min read", "contents": "Contents", "related": "Related posts",
           "series": "Series", "part_of": "Part {n} of {total} in the series",
           "tagged": "Posts tagged", "post": "post", "posts": "posts", "page_n": "Page {n} of {total}",
           "no_posts": "No posts yet.", "atom_feed": "Atom feed", "json_feed": "JSON Feed",
           "built_with": "Built with", "not_found": "Page not found",
           "not_found_text": "There is nothing at this address. It may have moved, or the link "
                             "that brought you here may have a typo in it.",
           "go_home": "Go to the home page", "copy_code": "Copy", "copied": "Copied",
           "search_placeholder": "Search the posts", "search_nojs":
               "Search needs JavaScript. Every post is listed in the archive.",
           "tags_title": "All tags", "archive_title": "Archive", "pagination": "Pages",
           "breadcrumb_tags": "Tags"},
    "fr": {"skip": "Aller au contenu", "menu": "Menu", "archive": "Archives", "tags": "Étiquettes",
           "search": "Rechercher", "all_posts": "Tous les billets", "older": "Plus anciens",
           "newer": "Plus récents", "previous_post": "Billet précédent",
           "next_post": "Billet suivant", "updated": "Mis à jour", "min_read": "min de lecture",
           "contents": "Sommaire", "related": "Billets liés", "series": "Série",
           "part_of": "Partie {n} sur {total} de la série", "tagged": "Billets étiquetés",
           "post": "billet", "posts": "billets", "page_n": "Page {n} sur {total}",
           "no_posts": "Aucun billet pour l’instant.", "atom_feed": "Flux Atom",
           "json_feed": "Flux JSON", "built_with": "Construit avec",
           "not_found": "Page introuvable",
           "not_found_text": "Il n’y a rien à cette adresse. La page a peut-être été déplacée, "
                             "ou le lien qui vous a mené ici contient une faute.",
           "go_home": "Aller à l’accueil", "copy_code": "Copier", "copied": "Copié",
           "search_placeholder": "Rechercher dans les billets", "search_nojs":
               "La recherche demande JavaScript. Tous les billets sont listés dans les archives.",
           "tags_title": "Toutes les étiquettes", "archive_title": "Archives",
           "pagination": "Pages", "breadcrumb_tags": "Étiquettes"},
    "de": {"skip": "Zum Inhalt", "menu": "Menü", "archive": "Archiv", "tags": "Schlagwörter",
           "search": "Suche", "all_posts": "Alle Beiträge", "older": "Ältere",
           "newer": "Neuere", "previous_post": "Vorheriger Beitrag",
           "next_post": "Nächster Beitrag", "updated": "Aktualisiert", "min_read": "Min. Lesezeit",
           "contents": "Inhalt", "related": "Ähnliche Beiträge", "series": "Serie",
           "part_of": "Teil {n} von {total} der Serie", "tagged": "Beiträge mit Schlagwort",
           "post": "Beitrag", "posts": "Beiträge", "page_n": "Seite {n} von {total}",
           "no_posts": "Noch keine Beiträge.", "atom_feed": "Atom-Feed",
           "json_feed": "JSON-Feed", "built_with": "Erstellt mit",
           "not_found": "Seite nicht gefunden",
           "not_found_text": "Unter dieser Adresse gibt es nichts. Die Seite wurde vielleicht "
                             "verschoben, oder der Link enthält einen Tippfehler.",
           "go_home": "Zur Startseite", "copy_code": "Kopieren", "copied": "Kopiert",
           "search_placeholder": "Beiträge durchsuchen", "search_nojs":
               "Die Suche braucht JavaScript. Alle Beiträge stehen im Archiv.",
           "tags_title": "Alle Schlagwörter", "archive_title": "Archiv",
           "pagination": "Seiten", "breadcrumb_tags": "Schlagwörter"},
}


def labels(lang: str) -> dict[str, str]:
    """The label table for `lang` ("de-AT" falls back to "de", then to English)."""
    base = lang.replace("_", "-").split("-")[0].lower()
    return {**LABELS["en"], **LABELS.get(base, {})}


def has_labels(lang: str) -> bool:
    return lang.replace("_", "-").split("-")[0].lower() in LABELS


def check(lang: str, root) -> BuildError | None:
    """An error at `lang`'s site.toml line when Babel has no data for it. Looks for the data
    file without importing Babel, so a build that renders nothing stays fast."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    parts = lang.replace("-", "_").split("_")
    name = "_".join([parts[0].lower()] + [p.title() if len(p) == 4 else p.upper()
                                          for p in parts[1:]])
    folder = Path(spec.submodule_search_locations[0]) / "locale-data" if spec else None
    if folder is not None and name and (folder / f"{name}.dat").is_file():
        return None
    try:
        locale(lang, str(root))
    except BuildError as exc:
        return exc
    return None


def missing_labels(lang: str, root) -> Problem:
    """The warning for a language the theme's label table lacks."""
    text = (Path(root) / "site.toml").read_text(encoding="utf-8")
    m = re.search(r"^\s*lang\s*=", text, re.M)
    line = text.count("\n", 0, m.start()) + 1 if m else 0
    return Problem(f"the theme's labels have no `{lang}` translation, so they stay in English "
                   f"(dates are in `{lang}`); add one to LABELS in engine/i18n.py",
                   "site.toml", line, source_line(text, line))


@functools.cache
def locale(lang: str, root: str = ""):
    """The Babel locale for `lang`; an unknown language is an error at its site.toml line."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        text = (Path(root) / "site.toml").read_text(encoding="utf-8") if root else ""
        m = re.search(r"^\s*lang\s*=", text, re.M)
        line = text.count("\n", 0, m.start()) + 1 if m else 0
        raise BuildError(f"`lang` {lang!r} is not a language Babel knows; use a code such as "
                         "\"en\", \"en-GB\", \"fr\" or \"de\"", "site.toml", line,
                         source_line(text, line)) from None


def human_date(date: dt.datetime | None, lang: str, root: str = "") -> str:
    """A date as readers of `lang` write it ("January 15, 2024", "15 janvier 2024")."""
    if date is None:
        return ""
    return _long_date(lang, root).apply(date.date(), locale(lang, root))


@functools.cache
def _long_date(lang: str, root: str):
    """What `babel.dates.format_date(..., "long")` applies, found once: looking it up on every
    call was most of a listing's time (the archive shows a date per post)."""
    from babel.dates import get_date_format, parse_pattern

    return parse_pattern(get_date_format("long", locale=locale(lang, root)))


def month_year(date: dt.datetime, lang: str, root: str = "") -> str:
    from babel.dates import format_date

    return format_date(date.date(), "LLLL y", locale=locale(lang, root))
