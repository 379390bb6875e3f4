"""The actor knowledge base: countries, organisations, armed groups, people, sectors.

Loaded once from ``data/actors/*.tsv`` (documented in data/actors/README.md),
plus any user files (YAML with the same column names). ``KnowledgeBase.aliases``
maps each written form to the entries it can name; recognition builds its
matchers from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..data_files import read_tsv, split
from ..errors import ConfigError

COUNTRY_LIKE = ("country", "demonym", "capital", "seat")


@dataclass
class Role:
    country: str
    sectors: list[str]
    role: str
    start: str
    end: str

    def active_on(self, date: str | None) -> bool:
        if not date:
            return not self.end
        return (not self.start or self.start[: len(date)] <= date) and \
               (not self.end or date[: len(self.end)] <= self.end)


@dataclass
class Entry:
    """One thing an alias can name."""

    kind: str            # country | demonym | capital | seat | org | group | person
    entity: str          # canonical name
    base: str            # code before sectors: ISO3, or IGO/NGO/IMG... organisation code
    sectors: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    members: list[str] = field(default_factory=list)

    def at(self, date: str | None) -> tuple[str, list[str], str]:
        """(base code, sectors, role) for this entry on ``date`` (people change jobs)."""
        if not self.roles:
            return self.base, list(self.sectors), ""
        # several roles at once: the latest appointment, a government role first on a tie
        active = sorted((r for r in self.roles if r.active_on(date)),
                        key=lambda r: (r.start or "", "GOV" in r.sectors), reverse=True)
        if not active and date:
            earlier = [r for r in self.roles if r.start and r.start[: len(date)] <= date]
            active = sorted(earlier, key=lambda r: r.end or "9999")[-1:]
        if not active:
            active = sorted(self.roles, key=lambda r: r.start or "")[-1:]
        r = active[0]
        return r.country, list(r.sectors), r.role


def make_code(base: str | None, sectors: list[str]) -> str | None:
    if not base and not sectors:
        return None
    code = base or ""
    for s in sectors:
        if not code.endswith(s):
            code += s
    return code


@dataclass
class KnowledgeBase:
    entries: list[Entry] = field(default_factory=list)
    aliases: dict[str, list[int]] = field(default_factory=dict)   # written form -> entry ids
    exact: set[str] = field(default_factory=set)                  # forms matched case-sensitively
    sector_terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # term -> (sector, kind)

    def add(self, entry: Entry, forms: list[str]) -> None:
        idx = len(self.entries)
        self.entries.append(entry)
        for form in forms:
            form, exact = _clean_alias(form)
            if not form:
                continue
            key = form if exact else form.lower()
            if exact:
                self.exact.add(key)
            ids = self.aliases.setdefault(key, [])
            if idx not in ids:
                ids.append(idx)

    def lookup(self, form: str) -> list[Entry]:
        ids = self.aliases.get(form) or self.aliases.get(form.lower()) or []
        return [self.entries[i] for i in ids]


def _clean_alias(form: str) -> tuple[str, bool]:
    form = form.strip()
    exact = form.endswith("!")
    form = form.rstrip("!").strip()
    if form.lower().startswith("the "):
        form = form[4:]
    # Short all-capital acronyms (US, UK, IS, UN) would match words if lower-cased.
    letters = form.replace(".", "")
    if letters.isupper() and len(letters) <= 5:
        exact = True
    return form, exact


def _seat(form: str) -> tuple[str, list[str]]:
    name, _, sector = form.partition("=")
    return name.strip(), [sector.strip()] if sector.strip() else ["GOV"]


def _load_rows(kb: KnowledgeBase, tables: dict[str, list[dict[str, str]]]) -> None:
    for row in tables.get("countries", []):
        iso = row["iso3"]
        name = row.get("name", "")
        kb.add(Entry("country", name, iso), [name, *split(row.get("aliases"))])
        kb.add(Entry("demonym", name, iso), split(row.get("demonyms")))
        kb.add(Entry("capital", name, iso), split(row.get("capitals")))
        for seat in split(row.get("seats")):
            seat_name, sectors = _seat(seat)
            kb.add(Entry("seat", seat_name, iso, sectors), [seat_name])
    for row in tables.get("organizations", []):
        kb.add(Entry("org", row["name"].rstrip("!"), row["code"], split(row.get("sectors")),
                     members=split(row.get("members"))),
               [row["name"], *split(row.get("aliases"))])
    for row in tables.get("groups", []):
        code = row["code"]
        kb.add(Entry("group", row["name"].rstrip("!"), code, split(row.get("sectors"))),
               [row["name"], *split(row.get("aliases"))])
    people: dict[str, tuple[Entry, list[str]]] = {}
    for row in tables.get("people", []):
        name = row["name"]
        role = Role(row.get("country", ""), split(row.get("sectors")), row.get("role", ""),
                    row.get("start", ""), row.get("end", ""))
        if name not in people:
            people[name] = (Entry("person", name, role.country, role.sectors), [name])
        entry, forms = people[name]
        entry.roles.append(role)
        forms.extend(f for f in split(row.get("aliases")) if f not in forms)
    for entry, forms in people.values():
        kb.add(entry, forms)
    for row in tables.get("sectors", []):
        kb.sector_terms[row["term"].lower()] = (row["sector"], row.get("kind") or "noun")


TABLES = ("countries", "organizations", "groups", "people", "sectors")


def load_user_file(path: str | Path) -> dict[str, list[dict[str, str]]]:
    """Read a user actor file (YAML: keys countries/organizations/groups/people/sectors)."""
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the actor file {p}: {exc}") from exc
    if not isinstance(data, dict) or not set(data) <= set(TABLES):
        raise ConfigError(f"{p}: expected a mapping with keys among {', '.join(TABLES)}")
    out: dict[str, list[dict[str, str]]] = {}
    for table, rows in data.items():
        if not isinstance(rows, list):
            raise ConfigError(f"{p}: '{table}' must be a list of rows")
        norm = []
        for row in rows:
            if not isinstance(row, dict):
                raise ConfigError(f"{p}: each row of '{table}' must be a mapping")
            norm.append({k: "|".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v))
                         for k, v in row.items()})
        out[table] = norm
    return out


@lru_cache(maxsize=8)
def load_kb(user_files: tuple[str, ...] = ()) -> KnowledgeBase:
    """The packaged knowledge base, with user files layered on top (their aliases win)."""
    kb = KnowledgeBase()
    _load_rows(kb, {t: read_tsv("actors", f"{t}.tsv") for t in TABLES})
    for path in user_files:
        user = load_user_file(path)
        before = len(kb.entries)
        _load_rows(kb, user)
        # user entries take precedence: move their ids to the front of each alias list
        for key, ids in kb.aliases.items():
            ids.sort(key=lambda i: 0 if i >= before else 1)
    return kb
