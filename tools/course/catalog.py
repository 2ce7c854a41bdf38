"""What every page shows, computed once per build from the merged article records.

The catalog is a pure function of the taxonomy and the article records held
by the course domain: category and topic listings, counts, related articles
and similar categories. Listings are computed here once, never per page over
the whole corpus, and the same answers feed both rendering and the
"which pages changed?" check, so the two cannot disagree.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations as combos
from typing import Protocol, TypeVar

from .assessment import prerequisite_order
from .taxonomy import Taxonomy

RELATED_LIMIT = 5


class Sequenced(Protocol):
    """What teaching order reads of an article (a record, or a file on disk)."""

    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def category(self) -> str | None: ...
    @property
    def order(self) -> int | None: ...
    @property
    def prerequisites(self) -> tuple[str, ...]: ...


S = TypeVar("S", bound=Sequenced)


def teaching_order(categories: Sequence[str], articles: Iterable[S]) -> list[S]:
    """A course's articles as it is taught: categories in taxonomy order; within one,
    the articles' ``order`` key, then title; then each moved after its prerequisites.

    One order for the sidebar, the category pages, previous/next and the
    handouts, whether the articles come from the environment or from the files.
    """
    by_category: dict[str | None, list[S]] = defaultdict(list)
    for article in articles:
        by_category[article.category].append(article)
    given = [
        article
        for category in categories
        for article in sorted(
            by_category.get(category, []),
            key=lambda a: (a.order is None, a.order or 0, a.title.casefold(), a.slug),
        )
    ]
    by_slug = {a.slug: a for a in given}
    order = prerequisite_order(list(by_slug), {a.slug: a.prerequisites for a in given})
    return [by_slug[slug] for slug in order]


@dataclass(frozen=True)
class ArticleRecord:
    """One article as the rest of the site sees it (stored on the environment)."""

    slug: str
    docname: str
    title: str
    summary: str
    category: str | None
    level: str | None
    course: str | None
    topics: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    show_related: bool = True
    related_line: int = 1
    prerequisites: tuple[str, ...] = ()
    order: int | None = None

    @property
    def card(self) -> tuple[str, str, str, str | None]:
        """The fields a card or link shows: a change to any of them is visible elsewhere."""
        return (self.slug, self.title, self.summary, self.level)


@dataclass(frozen=True)
class SimilarEntry:
    kind: str  # 'category' or 'topic'
    slug: str
    count: int


class Catalog:
    """Indexes over the article records, built once per build."""

    def __init__(self, taxonomy: Taxonomy, records: Iterable[ArticleRecord]) -> None:
        self.taxonomy = taxonomy
        self._level_pos = taxonomy.level_order()
        self._cat_pos = taxonomy.category_order()
        ordered = sorted(records, key=self._title_key)
        self.by_slug: dict[str, ArticleRecord] = {r.slug: r for r in ordered}
        self.by_category: dict[str, list[ArticleRecord]] = defaultdict(list)
        self.by_topic: dict[str, list[ArticleRecord]] = defaultdict(list)
        self.by_level: dict[str, list[ArticleRecord]] = defaultdict(list)
        self.by_keyword: dict[str, list[ArticleRecord]] = defaultdict(list)
        self.referenced_by: dict[str, list[ArticleRecord]] = defaultdict(list)
        # Sets computed once, for ranking related articles.
        self._topic_sets = {r.slug: frozenset(r.topics) for r in ordered}
        self._keyword_sets = {r.slug: frozenset(_keywords(r)) for r in ordered}
        for rec in ordered:
            if rec.category:
                self.by_category[rec.category].append(rec)
            if rec.level:
                self.by_level[rec.level].append(rec)
            for topic in rec.topics:
                self.by_topic[topic].append(rec)
            for kw in _keywords(rec):
                self.by_keyword[kw].append(rec)
            for target in rec.related:
                self.referenced_by[target].append(rec)
        # The same buckets as slug sets, so ranking can narrow candidates with set
        # operations (in C) instead of scoring a whole category or keyword bucket.
        self._topic_members = _members(self.by_topic)
        self._category_members = _members(self.by_category)
        self._level_members = _members(self.by_level)
        self._keyword_members = _members(self.by_keyword)
        unlevelled = frozenset(r.slug for r in ordered if r.level is None)
        self._within_a_step = {
            level: unlevelled.union(
                *(
                    self._level_members.get(other, frozenset())
                    for other, at in self._level_pos.items()
                    if abs(at - pos) <= 1
                )
            )
            for level, pos in self._level_pos.items()
        }
        self._related_cache: dict[str, list[ArticleRecord]] = {}
        self._course_cache: dict[str, list[ArticleRecord]] = {}
        self._category_cache: dict[str, list[ArticleRecord]] = {}
        self._counts: dict[tuple[str, str], int] = {}
        self._places: dict[str, dict[str, int]] = {}

    @staticmethod
    def _title_key(rec: ArticleRecord) -> tuple[str, str]:
        return (rec.title.casefold(), rec.slug)

    # --- listings and counts ---------------------------------------------

    def in_category(self, slug: str) -> list[ArticleRecord]:
        """A category's articles in teaching order (see :func:`teaching_order`)."""
        if slug not in self._category_cache:
            course = self.taxonomy.category(slug).course
            self._category_cache[slug] = [r for r in self.in_course(course) if r.category == slug]
        return self._category_cache[slug]

    def in_topic(self, slug: str) -> list[ArticleRecord]:
        """A topic's articles in course order (level first), then by title."""
        return sorted(
            self.by_topic.get(slug, []),
            key=lambda r: (self._cat_pos.get(r.category or "", 1 << 30), *self._title_key(r)),
        )

    def in_course(self, slug: str) -> list[ArticleRecord]:
        """A course's articles in teaching order (see :func:`teaching_order`)."""
        if slug not in self._course_cache:
            categories = [c.slug for c in self.taxonomy.course(slug).categories]
            self._course_cache[slug] = teaching_order(
                categories, (r for c in categories for r in self.by_category.get(c, []))
            )
        return self._course_cache[slug]

    def place_in_course(self, course: str, docname: str) -> int | None:
        """Where an article stands in its course's teaching order (for previous/next)."""
        if course not in self._places:
            self._places[course] = {r.docname: n for n, r in enumerate(self.in_course(course))}
        return self._places[course].get(docname)

    def count(self, kind: str, slug: str) -> int:
        """How many articles a taxonomy entry has (asked for by every similar-categories block)."""
        key = (kind, slug)
        if key not in self._counts:
            self._counts[key] = self._count(kind, slug)
        return self._counts[key]

    def _count(self, kind: str, slug: str) -> int:
        if kind == "category":
            return len(self.in_category(slug))
        if kind == "topic":
            return len(self.by_topic.get(slug, []))
        if kind == "course":
            return sum(len(self.in_category(c.slug)) for c in self.taxonomy.course(slug).categories)
        if kind == "level":
            return len(self.by_level.get(slug, []))
        if kind == "subject":
            topics = self.taxonomy.subject(slug).topics
            return len({r.slug for t in topics for r in self.by_topic.get(t.slug, [])})
        raise KeyError(kind)

    def alphabetical(self) -> list[ArticleRecord]:
        return list(self.by_slug.values())

    # --- related articles --------------------------------------------------

    def related(self, slug: str, limit: int = RELATED_LIMIT) -> list[ArticleRecord]:
        """Explicit ``related`` first, then articles that list this one, then suggestions.

        Only the article's own ``related`` list may reach past the next level: a
        Year 7 reader is never sent to a university page by a guess. Everything
        else (articles that list this one, and suggestions) is at the same level
        or one level step away. Suggestions rank by shared topics, then same
        category, then same level before adjacent, then shared keywords; ties go
        by title, so the order is stable.
        """
        if slug in self._related_cache:
            return self._related_cache[slug]
        rec = self.by_slug[slug]
        chosen: list[ArticleRecord] = []
        seen = {slug}

        def take(candidates: Iterable[ArticleRecord]) -> None:
            for cand in candidates:
                if len(chosen) >= limit:
                    return
                if cand.slug not in seen:
                    seen.add(cand.slug)
                    chosen.append(cand)

        take(self.by_slug[s] for s in rec.related if s in self.by_slug)
        take(
            sorted(
                (c for c in self.referenced_by.get(slug, []) if self._adjacent(rec, c)),
                key=lambda c: self._rank(rec, c),
            )
        )
        if len(chosen) < limit:
            take(self._suggestions(rec, seen, limit - len(chosen)))
        self._related_cache[slug] = chosen
        return chosen

    def _scores(self, rec: ArticleRecord, cand: ArticleRecord) -> tuple[int, int, int, int]:
        shared_topics = len(self._topic_sets[rec.slug] & self._topic_sets[cand.slug])
        same_category = int(rec.category is not None and rec.category == cand.category)
        same_level = int(rec.level is not None and rec.level == cand.level)
        shared_keywords = len(self._keyword_sets[rec.slug] & self._keyword_sets[cand.slug])
        return shared_topics, same_category, same_level, shared_keywords

    def _rank(self, rec: ArticleRecord, cand: ArticleRecord) -> tuple[int | str, ...]:
        t, c, a, k = self._scores(rec, cand)
        return (-t, -c, -a, -k, *self._title_key(cand))

    def _adjacent(self, rec: ArticleRecord, cand: ArticleRecord) -> bool:
        """Same level or one step away; an article without a level fits any level."""
        if rec.level is None or cand.level is None:
            return True
        return abs(self._level_pos[rec.level] - self._level_pos[cand.level]) <= 1

    def _suggestions(self, rec: ArticleRecord, seen: set[str], wanted: int) -> list[ArticleRecord]:
        # Candidates that share a topic, the category or a keyword get a full
        # score; those related only by level come after them, same level first,
        # in title order, straight from the per-level lists. Nothing more than
        # one level step away is a candidate at all.
        above = self._best_scored(rec, seen, wanted)
        level_only: list[ArticleRecord] = []
        if len(above) < wanted and rec.level is not None:
            shared = self._sharing(rec)
            pos = self._level_pos[rec.level]
            same = self.by_level.get(rec.level, [])
            nearby = [
                self.by_level.get(lv.slug, [])
                for lv in self.taxonomy.levels
                if abs(self._level_pos[lv.slug] - pos) == 1
            ]
            for cand in [*same, *heapq.merge(*nearby, key=self._title_key)]:
                if len(above) + len(level_only) >= wanted:
                    break
                if cand.slug not in seen and cand.slug not in shared:
                    level_only.append(cand)
        return (above + level_only)[:wanted]

    def _topic_tiers(self, rec: ArticleRecord) -> list[frozenset[str]]:
        """At index t - 1, the articles sharing at least t of *rec*'s topics."""
        empty: frozenset[str] = frozenset()
        topic_sets = [self._topic_members.get(t, empty) for t in dict.fromkeys(rec.topics)]
        return [
            empty.union(*(c[0].intersection(*c[1:]) for c in combos(topic_sets, t)))
            for t in range(1, len(topic_sets) + 1)
        ]

    def _sharing(self, rec: ArticleRecord) -> frozenset[str]:
        """Every article sharing a topic, the category or a keyword with *rec*."""
        empty: frozenset[str] = frozenset()
        return empty.union(
            *(self._topic_members.get(t, empty) for t in rec.topics),
            self._category_members.get(rec.category or "", empty),
            *(self._keyword_members.get(k, empty) for k in _keywords(rec)),
        )

    def _tiers(self, rec: ArticleRecord) -> Iterator[frozenset[str]]:
        """Candidates by shared topics, most first; those sharing none (only the category or
        a keyword) last, made only if the others did not fill the block."""
        at_least = self._topic_tiers(rec)
        for t in range(len(at_least), 0, -1):
            yield at_least[t - 1] - (at_least[t] if t < len(at_least) else frozenset())
        yield self._sharing(rec) - at_least[0] if at_least else self._sharing(rec)

    def _best_scored(self, rec: ArticleRecord, seen: set[str], wanted: int) -> list[ArticleRecord]:
        """The *wanted* best of the scored candidates, in :meth:`_rank` order.

        Equal to sorting every candidate by :meth:`_rank`, without scoring them
        all: candidates fall into tiers by shared topics, then same category,
        then same level (each tier a set operation), and only the tiers needed
        to fill *wanted* places are ranked, by shared keywords and title. At
        10,000 articles a category or keyword bucket holds hundreds of articles,
        and scoring them for every article made related blocks quadratic.
        """
        empty: frozenset[str] = frozenset()
        allowed = self._within_a_step.get(rec.level, None) if rec.level else None
        category = self._category_members.get(rec.category or "", empty)
        level = self._level_members.get(rec.level or "", empty)
        found: list[ArticleRecord] = []
        for tier in self._tiers(rec):
            for part in (tier & category, tier - category):
                for group in (part & level, part - level):
                    if allowed is not None:
                        group = group & allowed
                    group = group.difference(seen)
                    if not group:
                        continue
                    best = heapq.nsmallest(
                        wanted - len(found),
                        (self.by_slug[s] for s in group),
                        key=lambda c: self._rank(rec, c),
                    )
                    found += best
                    if len(found) >= wanted:
                        return found
        return found

    # --- similar categories --------------------------------------------------

    def similar_for_category(self, slug: str) -> dict[str, list[SimilarEntry]]:
        """The seed's "similar categories": other levels, siblings, and topics."""
        cat = self.taxonomy.category(slug)
        return self._similar(cat.slug, subjects=cat.subjects, own_topics=())

    def similar_for_article(self, rec: ArticleRecord) -> dict[str, list[SimilarEntry]]:
        """The category's own similar categories, plus the subjects of the article's topics.

        Other levels come from the category's subjects only (not the topics'), so
        one category's count appears on a bounded set of pages, not on all of them.
        """
        if rec.category is None:
            return {}
        cat = self.taxonomy.category(rec.category)
        topic_subjects = list(cat.subjects)
        for topic in rec.topics:
            subject = self.taxonomy.topic(topic).subject
            if subject not in topic_subjects:
                topic_subjects.append(subject)
        groups = self._similar(cat.slug, subjects=cat.subjects, own_topics=rec.topics)
        groups["topics"] = self._topics_of(tuple(topic_subjects), own_topics=rec.topics)
        return groups

    def similar_for_topic(self, slug: str) -> dict[str, list[SimilarEntry]]:
        topic = self.taxonomy.topic(slug)
        siblings = [
            SimilarEntry("topic", t.slug, self.count("topic", t.slug))
            for t in self.taxonomy.subject(topic.subject).topics
            if t.slug != slug
        ]
        teaching = [
            SimilarEntry("category", c.slug, self.count("category", c.slug))
            for c in self.taxonomy.categories
            if topic.subject in c.subjects
        ]
        return {"topics": siblings, "categories": teaching}

    def _similar(
        self, slug: str, subjects: tuple[str, ...], own_topics: tuple[str, ...]
    ) -> dict[str, list[SimilarEntry]]:
        cat = self.taxonomy.category(slug)
        other_levels = [
            SimilarEntry("category", c.slug, self.count("category", c.slug))
            for c in self.taxonomy.categories
            if c.course != cat.course and (c.title == cat.title or set(c.subjects) & set(subjects))
        ]
        siblings = [
            SimilarEntry("category", c.slug, self.count("category", c.slug))
            for c in self.taxonomy.course(cat.course).categories
            if c.slug != slug
        ]
        return {
            "other_levels": other_levels,
            "siblings": siblings,
            "topics": self._topics_of(subjects, own_topics),
        }

    def _topics_of(
        self, subjects: tuple[str, ...], own_topics: tuple[str, ...]
    ) -> list[SimilarEntry]:
        return [
            SimilarEntry("topic", t.slug, self.count("topic", t.slug))
            for s in subjects
            for t in self.taxonomy.subject(s).topics
            if t.slug not in own_topics
        ]


def articles_count(n: int) -> str:
    """A count as readers see it on cards and in indexes: "1 article", "12 articles"."""
    return "1 article" if n == 1 else f"{n} articles"


def _members(buckets: dict[str, list[ArticleRecord]]) -> dict[str, frozenset[str]]:
    return {key: frozenset(r.slug for r in records) for key, records in buckets.items()}


def _keywords(rec: ArticleRecord) -> set[str]:
    return {k.casefold() for k in rec.keywords}
