"""Swedish words for free-text search: normalised, stop words dropped and stemmed with the Snowball
Swedish stemmer, the algorithm PostgreSQL's `swedish` configuration uses, so that the embedded
database (SQLite FTS5, which has no Swedish stemmer) finds what the distributed one finds:
"rutiner" and "rutinen" both become "rutin", "läkemedelshanteringen" becomes "läkemedelshantering".

Queries follow the websearch syntax of PostgreSQL's `websearch_to_tsquery`: words must all match,
"a quoted phrase" matches in order, `or` between words lets either match, `-word` excludes. A single
word also matches as the start of a longer one, as Swedish joins words into compounds: "läkemedel"
finds "läkemedelshanteringen" (its stem "läkemedelshanter" begins with "läkemedel").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

# PostgreSQL's tsearch_data/swedish.stop (Snowball's Swedish stop list), so both sides drop the same words.
_STOP_LIST = """
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke
mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut
när efter upp vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket
sedan ju denna själv detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras
blir mina samma vilken er sådan vår blivit dess inom mellan sådant varför varje vilka ditt vem
vilket sitta sådana vart dina vars vårt våra ert era vilkas
"""
SWEDISH_STOP_WORDS = frozenset(_STOP_LIST.split())

_WORD = re.compile(r"[^\W_]+")
_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_QUERY_TERMS = 32


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("swedish")


def words(text: str) -> list[str]:
    """Lower-case words, Unicode-normalised (å, ä, ö kept as letters of their own, as Swedish has them)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def stems(text: str) -> list[str]:
    kept = [w for w in words(text) if w not in SWEDISH_STOP_WORDS]
    return list(_stemmer().stemWords(kept))


def indexed_text(text: str | None) -> str:
    """What the FTS5 table stores for a column: the stems, in order, separated by spaces."""
    return " ".join(stems(text or ""))


@dataclass(frozen=True)
class Term:
    stems: tuple[str, ...]  # one stem (matched as a prefix, for compounds), or a phrase

    def fts5(self) -> str:
        quoted = '"' + " ".join(self.stems) + '"'
        return quoted + "*" if len(self.stems) == 1 else quoted

    def tsquery(self) -> str:
        """As PostgreSQL's to_tsquery('simple', …) reads it: the stems are already Swedish stems."""
        if len(self.stems) == 1:
            return f"'{self.stems[0]}':*"
        return "(" + " <-> ".join(f"'{s}'" for s in self.stems) + ")"


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Term, ...], ...] = ()  # all groups must match; any term of a group may
    excluded: tuple[Term, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Nothing to look for (only stop words, or only exclusions): no results, on either database."""
        return not self.groups

    def fts5(self) -> str:
        """The FTS5 MATCH expression (the FTS table holds stems, so every term is a quoted stem)."""
        parts = ["(" + " OR ".join(t.fts5() for t in group) + ")" for group in self.groups]
        query = " AND ".join(parts)
        for term in self.excluded:
            query += " NOT " + term.fts5()
        return query

    def tsquery(self) -> str:
        """The same query for PostgreSQL's to_tsquery with the `simple` configuration over the stems
        (stop words are already dropped and words stemmed as the `swedish` configuration does)."""
        parts = ["(" + " | ".join(t.tsquery() for t in group) + ")" for group in self.groups]
        parts += ["!" + t.tsquery() for t in self.excluded]
        return " & ".join(parts)


def parse_query(text: str) -> ParsedQuery:
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for count, match in enumerate(_QUERY_TOKEN.finditer(text)):
        if count >= MAX_QUERY_TERMS:
            break
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.casefold() == "or":
            join_next = bool(groups)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        found = tuple(stems(phrase if phrase is not None else word or ""))
        if not found:
            continue
        term = Term(found)
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
