"""Realistic claim corpora for the benchmarks: ~45k real claims expanded to a million look-alikes.

The real claims are the distinct statements of LIAR, the CheckThat! 2020 Snopes claims and the
CheckThat! 2021 2A (Snopes) and 2B (PolitiFact) claims (loaded by :mod:`bench.datasets`, read
from ``$FACTDB_DATA_DIR``, never copied).  They are shuffled with the seed; the first
``HOLDOUT`` are held out (never stored: they serve as unseen queries and as the sentences of
the ingest articles), the rest are stored first, as written.

Beyond them every stored claim is a *look-alike* of a real one, as the world produces them:

- ``number``: the same sentence with other figures ("40 killed" -> "57 killed"; another toll);
- ``place``: the same sentence about another state, country or city;
- ``year``: the same sentence in another year;
- ``context``: the sentence placed somewhere or sometime ("... in Ohio", "... in March 2019");
- ``paraphrase``: synonyms swapped ("people" -> "residents", "says" -> "claims"), a hedge added;
- ``template``: templated news ("{n} people were killed in {event} in {city}"), with every slot
  varied: the kind of store where most ``token_set_ratio >= 85`` pairs are different facts.

A variant takes one or two of the transforms that apply to its base; a text already generated
is drawn again; a variant whose normalized key (text + numbers, as the store keys claims)
repeats one kept earlier is dropped, so every stored claim is distinct for the store too.  The
same ``(n, seed)`` gives the same corpus, and a smaller corpus is a prefix of a larger one
with the same seed, so stores are grown, not rebuilt.

Negations (:func:`negate`) are not stored as claims (factdb stores a denial as a mention with
stance ``denies`` of the claim it denies); they appear as denying mentions in the bulk-loaded
sources and as queries.
"""

from __future__ import annotations

import multiprocessing
import random
import re
from dataclasses import dataclass

from bench import datasets
from factdb.models import NormalizedClaim
from factdb.normalize import normalize_claim
from factdb.store.writes import claim_key

HOLDOUT = 2000
"""Real claims never stored: unseen queries and ingest-article sentences."""

STATES = """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii
Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota
Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah
Vermont Virginia Washington Wisconsin Wyoming""".split()
COUNTRIES = """Afghanistan Argentina Australia Austria Bangladesh Belgium Brazil Canada Chile China Colombia
Cuba Denmark Egypt Ethiopia Finland France Germany Ghana Greece Hungary India Indonesia Iran Iraq Ireland
Israel Italy Japan Jordan Kenya Lebanon Libya Mexico Morocco Nigeria Norway Pakistan Peru Poland Portugal
Qatar Russia Rwanda Somalia Spain Sudan Sweden Switzerland Syria Turkey Uganda Ukraine Venezuela Vietnam
Yemen Zimbabwe""".split()
CITIES = """Chicago Houston Phoenix Philadelphia Dallas Austin Detroit Memphis Boston Seattle Denver Baltimore
Milwaukee Atlanta Miami Cleveland Portland Pittsburgh Cincinnati Orlando Tampa Sacramento London Paris
Berlin Madrid Rome Moscow Kyiv Baghdad Kabul Tehran Beirut Cairo Lagos Nairobi Mumbai Delhi Karachi Dhaka
Jakarta Manila Tokyo Seoul Beijing Shanghai Sydney Toronto Caracas Lima Bogota""".split()
PLACES = STATES + COUNTRIES + CITIES
_PLACE_RE = re.compile(r"\b(" + "|".join(sorted(PLACES, key=len, reverse=True)) + r")\b")
MONTHS = "January February March April May June July August September October November December".split()
FIRST = """James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra Paul
Ashley Steven Kimberly Andrew Donna Kenneth Emily Joshua Michelle Kevin Carol Brian Amanda George Melissa
Ahmed Fatima Olga Dmitry Wei Mei Carlos Lucia Amir Leila Kwame Amara Hiroshi Yuki Sven Ingrid""".split()
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez
Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall
Rivera Campbell Mitchell Carter Roberts Petrov Ivanova Chen Wang Okafor Mensah Tanaka Sato Larsen Haddad
Karimi Novak Kowalski Schmidt Muller Rossi Dubois""".split()
ROLES = "senator governor mayor spokesman minister official spokeswoman congressman analyst".split()

SYNONYMS: dict[str, tuple[str, ...]] = {
    "people": ("residents", "citizens", "individuals"),
    "says": ("claims", "states", "asserts"),
    "percent": ("per cent", "%"),
    "killed": ("dead", "left dead"),
    "children": ("kids", "minors"),
    "government": ("administration", "state"),
    "million": ("millions",),
    "increase": ("rise", "jump"),
    "jobs": ("positions", "posts"),
    "taxes": ("levies", "tax rates"),
    "money": ("funds", "cash"),
    "bill": ("legislation", "measure"),
    "law": ("statute", "legislation"),
    "voted": ("cast a vote",),
    "company": ("firm", "business"),
    "photo": ("picture", "image"),
    "video": ("clip", "footage"),
    "shows": ("depicts", "proves"),
    "country": ("nation",),
    "workers": ("employees", "staff"),
    "doctors": ("physicians",),
    "big": ("large", "huge"),
    "spent": ("used", "paid"),
    "cut": ("reduced", "slashed"),
}
_SYN_RE = re.compile(r"\b(" + "|".join(SYNONYMS) + r")\b")
HEDGES = ("reportedly", "allegedly", "apparently")

TEMPLATES: tuple[str, ...] = (
    "{n} people were killed in {event} in {city} on {weekday}",
    "At least {n} people died after {event} hit {city}",
    "The death toll from {event} in {country} has risen to {n}",
    "Unemployment in {state} fell to {p} percent in {month} {year}",
    "Unemployment in {state} rose to {p} percent in {month} {year}",
    "{state} spent ${m} million on {program} in {year}",
    "{city} police arrested {n} protesters on {weekday}",
    "{company} shares rose {p} percent after the {month} earnings report",
    "{company} will cut {n} jobs in {country} by {year}",
    "The {program} budget in {state} grew by {p} percent since {year}",
    "{country} will send {n} troops to {country2} next {month}",
    "Inflation in {country} reached {p} percent in {month} {year}",
    "{n} migrants arrived in {country} by boat in {month}",
    "{city} recorded {n} homicides in {year}",
    "The minimum wage in {state} will rise to ${w} an hour in {year}",
    "{n} children in {state} lack health insurance",
    "{country} has confirmed {n} new cases of {disease}",
    "{company} paid ${m} million in taxes in {year}",
    "The population of {city} grew by {n} people in {year}",
    "{p} percent of voters in {state} support {program}",
)
EVENTS = ("a bombing", "a fire", "a flood", "an earthquake", "a landslide", "a stampede", "a storm", "a shooting",
          "a building collapse", "a train crash", "a bus crash", "a mine explosion", "a hurricane", "a cyclone")
PROGRAMS = ("Medicaid", "education", "prisons", "road repairs", "public transit", "police", "housing", "pensions",
            "tax cuts", "broadband", "water systems", "border security", "gun control", "charter schools")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark Industries", "Wayne Enterprises",
             "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Massive Dynamic", "Aperture", "Oscorp", "Gringotts")
DISEASES = ("measles", "cholera", "dengue", "Ebola", "polio", "tuberculosis", "influenza", "mpox", "COVID-19")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_NUMBER_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_AUX_RE = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|does|did|should)\b", re.IGNORECASE)
_VERB_RE = re.compile(r"^(\S+(?: \S+)?) (\w+ed|\w+s)\b")


@dataclass(frozen=True, slots=True)
class GenClaim:
    """One generated stored claim: its text, normalized form and store key, and where it came from."""

    proposition: str
    normalized: NormalizedClaim
    key: str
    origin: str  # real / number / place / year / context / paraphrase / template
    base: int | None = None  # index of the stored real claim it varies (None for real and template)


@dataclass
class Corpus:
    """The stored claims (``claims``, in store order) and the held-out real claims."""

    claims: list[GenClaim]
    holdout: list[str]
    seed: int

    @property
    def n_real(self) -> int:
        return sum(1 for c in self.claims if c.origin == "real")


def real_claims(seed: int = 6) -> list[str]:
    """The distinct real claim texts (20..300 characters), shuffled with ``seed``."""
    texts = (
        datasets.liar_statements()
        + [claim for claim, _title in datasets.checkthat2020_claims().values()]
        + datasets.checkthat2021_claims()
    )
    seen: dict[str, None] = {}
    for text in texts:
        text = " ".join(text.split())
        if 20 <= len(text) <= 300:
            seen.setdefault(text, None)
    out = list(seen)
    random.Random(seed).shuffle(out)
    return out


# --------------------------------------------------------------------------------------------
# Transforms (each returns None when it does not apply)
# --------------------------------------------------------------------------------------------


def _other_number(rng: random.Random, digits: str) -> str:
    plain = digits.replace(",", "")
    value = float(plain)
    if value == 0:
        new = rng.randint(1, 9)
    else:
        new = value * rng.choice((0.25, 0.5, 0.6, 0.75, 0.8, 1.2, 1.25, 1.5, 2, 3, 10))
    if "." in plain:
        return f"{new:.{len(plain.split('.')[1])}f}"
    new = max(1, round(new))
    if new == int(value):
        new += 1
    return f"{new:,}" if "," in digits else str(new)


def swap_numbers(text: str, rng: random.Random) -> str | None:
    """Other figures: every number that is not a year changes."""
    if not _NUMBER_RE.search(text):
        return None
    out = _NUMBER_RE.sub(lambda m: m.group(1) if _YEAR_RE.fullmatch(m.group(1)) else _other_number(rng, m.group(1)), text)
    return out if out != text else None


def swap_place(text: str, rng: random.Random) -> str | None:
    """Another state, country or city (of the same kind)."""
    found = _PLACE_RE.search(text)
    if not found:
        return None
    place = found.group(1)
    pool = STATES if place in STATES else COUNTRIES if place in COUNTRIES else CITIES
    other = rng.choice([p for p in pool if p != place])
    return text[: found.start()] + other + text[found.end():]


def swap_year(text: str, rng: random.Random) -> str | None:
    """Another year."""
    found = _YEAR_RE.search(text)
    if not found:
        return None
    year = int(found.group(1))
    other = year + rng.choice((-8, -5, -4, -3, -2, -1, 1, 2, 3, 4))
    return text[: found.start()] + str(other) + text[found.end():]


def add_context(text: str, rng: random.Random) -> str:
    """Place or date the statement ("... in Ohio", "... in March 2019")."""
    body = text.rstrip(" .!?")
    if rng.random() < 0.5:
        return f"{body} in {rng.choice(PLACES)}"
    return f"{body} in {rng.choice(MONTHS)} {rng.randint(1995, 2024)}"


def paraphrase(text: str, rng: random.Random) -> str | None:
    """Synonyms swapped, or a hedge added: the same claim in other words."""
    hits = list(_SYN_RE.finditer(text))
    if hits and rng.random() < 0.8:
        out = _SYN_RE.sub(lambda m: rng.choice(SYNONYMS[m.group(1)]) if rng.random() < 0.7 else m.group(1), text)
        if out != text:
            return out
    verb = _VERB_RE.match(text)
    if verb:
        return f"{verb.group(1)} {rng.choice(HEDGES)} {text[len(verb.group(1)) + 1:]}"
    return None


def negate(text: str) -> str:
    """The denial of a claim: "not" after its first auxiliary, or "It is not true that ..."."""
    found = _AUX_RE.search(text)
    if found:
        return f"{text[: found.end()]} not{text[found.end():]}"
    return f"It is not true that {text[0].lower()}{text[1:]}"


def template_claim(rng: random.Random) -> str:
    """A templated news claim, every slot varied."""
    country, country2 = rng.sample(COUNTRIES, 2)
    return rng.choice(TEMPLATES).format(
        n=rng.choice((rng.randint(2, 60), rng.randint(60, 5000))),
        p=rng.choice((f"{rng.uniform(0.5, 15):.1f}", str(rng.randint(2, 95)))),
        m=rng.randint(2, 900),
        w=f"{rng.uniform(8, 20):.2f}",
        city=rng.choice(CITIES),
        state=rng.choice(STATES),
        country=country,
        country2=country2,
        event=rng.choice(EVENTS),
        program=rng.choice(PROGRAMS),
        company=rng.choice(COMPANIES),
        disease=rng.choice(DISEASES),
        weekday=rng.choice(WEEKDAYS),
        month=rng.choice(MONTHS),
        year=rng.randint(2000, 2025),
    )


_TRANSFORMS = (("number", swap_numbers), ("place", swap_place), ("year", swap_year), ("paraphrase", paraphrase))


def _variant(base: str, rng: random.Random) -> tuple[str, str] | None:
    """One or two transforms that apply to ``base``: (origin, text)."""
    order = list(_TRANSFORMS)
    rng.shuffle(order)
    text, origins = base, []
    for origin, transform in order:
        out = transform(text, rng)
        if out is not None:
            text, origins = out, origins + [origin]
            if len(origins) == 2 or rng.random() < 0.6:
                break
    if not origins or rng.random() < 0.25:
        text, origins = add_context(text, rng), origins + ["context"]
    return origins[0], text


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------


def _normalize(text: str) -> tuple[NormalizedClaim, str]:
    normalized = normalize_claim(text)
    return normalized, claim_key(normalized)


def _normalize_all(texts: list[str], processes: int) -> list[tuple[NormalizedClaim, str]]:
    if processes <= 1 or len(texts) < 20000:
        return [_normalize(t) for t in texts]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(_normalize, texts, chunksize=2000)


def generate(n: int, *, seed: int = 6, processes: int = 2) -> Corpus:
    """``n`` distinct stored claims (real ones first, then look-alikes) and the held-out real claims.

    Deterministic in ``(n, seed)``; ``generate(m, seed).claims[:n] == generate(n, seed).claims``
    for ``m >= n`` as long as ``n`` is within the real claims or both are look-alike sizes of
    the same plan (the plan is drawn in order, and over-generation only appends).
    """
    real = real_claims(seed)
    holdout, stored_real = real[:HOLDOUT], real[HOLDOUT:]
    rng = random.Random(seed * 1_000_003 + 1)
    planned: list[tuple[str, str, int | None]] = []  # (text, origin, base index)
    seen_texts: set[str] = set()
    for text in stored_real:
        if len(planned) >= n:
            break
        planned.append((text, "real", None))
        seen_texts.add(text)
    n_base = len(planned)
    kept: list[GenClaim] = []
    kept_at: dict[int, int] = {}  # planned index -> index in kept
    keys: set[str] = set()
    done = 0  # planned items already normalized
    while len(kept) < n:
        want = n - len(kept)
        target = len(planned) + max(int(want * 1.06), 50) if done == len(planned) else len(planned)
        while len(planned) < target:
            if rng.random() < 0.3:
                origin, text, base = "template", template_claim(rng), None
            else:
                base = rng.randrange(n_base)
                origin, text = _variant(planned[base][0], rng)
            if text in seen_texts:
                continue
            seen_texts.add(text)
            planned.append((text, origin, base))
        batch = planned[done:]
        normalized_batch = _normalize_all([t for t, _, _ in batch], processes)
        for at, ((text, origin, base), (normalized, key)) in enumerate(zip(batch, normalized_batch), start=done):
            if len(kept) >= n:
                break
            if key in keys or not normalized.text.strip() or not normalized.tokens:
                continue
            keys.add(key)
            kept_at[at] = len(kept)
            kept.append(GenClaim(text, normalized, key, origin, kept_at.get(base) if base is not None else None))
        done = len(planned)
    return Corpus(kept, holdout, seed)


# --------------------------------------------------------------------------------------------
# Queries and articles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """A match query: its text, what kind of query it is, and the stored claim it varies (if any)."""

    text: str
    kind: str  # unseen / paraphrase / negation
    claim_index: int | None


QUERY_MIX = (("unseen", 0.4), ("paraphrase", 0.3), ("negation", 0.3))
"""The query mix: held-out real claims never stored (40%), paraphrases of stored claims (30%:
synonyms or a hedge, or an attribution "…, a spokesman said" when no synonym applies) and
negations of stored claims (30%)."""


def queries(corpus: Corpus, n_stored: int, count: int, *, seed: int = 6) -> list[Query]:
    """``count`` queries against the first ``n_stored`` claims, in the :data:`QUERY_MIX`, shuffled."""
    rng = random.Random(seed * 7919 + n_stored)
    out: list[Query] = []
    unseen = corpus.holdout[: HOLDOUT // 2]  # the other half writes the ingest articles
    for kind, share in QUERY_MIX:
        for _ in range(round(count * share)):
            if kind == "unseen":
                out.append(Query(rng.choice(unseen), kind, None))
                continue
            i = rng.randrange(n_stored)
            text = corpus.claims[i].proposition
            if kind == "negation":
                out.append(Query(negate(text), kind, i))
            else:
                role = rng.choice(ROLES)
                para = paraphrase(text, rng) or f"{text.rstrip('. ')}, {'an' if role[0] in 'aeiou' else 'a'} {role} said"
                out.append(Query(para, kind, i))
    rng.shuffle(out)
    return out[:count]


def speaker_names(count: int, *, seed: int = 6) -> list[str]:
    """``count`` distinct speaker names."""
    rng = random.Random(seed * 31 + 7)
    names: dict[str, None] = {}
    while len(names) < count:
        names.setdefault(f"{rng.choice(FIRST)} {rng.choice(LAST)}", None)
        if len(names) >= len(FIRST) * len(LAST) - 5:
            break
    return list(names)


def articles(corpus: Corpus, count: int, *, claims_per_article: int = 20, seed: int = 6, tag: str = "") -> list[str]:
    """``count`` news-like articles of ``claims_per_article`` sentences (held-out real claims with
    attributions), each with a ``key: value`` header.  ``tag`` makes another distinct set."""
    rng = random.Random(f"{seed}-{tag}-articles")
    pool = corpus.holdout[HOLDOUT // 2:]
    speakers = speaker_names(400, seed=seed)
    out = []
    for a in range(count):
        sentences = []
        for _ in range(claims_per_article):
            claim = rng.choice(pool).rstrip(" .")
            who = rng.choice(speakers)
            form = rng.random()
            if form < 0.35:
                sentences.append(f"{claim}, {who} said.")
            elif form < 0.55:
                sentences.append(f"According to {rng.choice(ROLES)} {who}, {claim[0].lower()}{claim[1:]}.")
            elif form < 0.65:
                sentences.append(f"{who} denied that {claim[0].lower()}{claim[1:]}.")
            else:
                sentences.append(f"{claim}.")
        day = 1 + a % 28
        header = (
            f"title: Bench report {tag}{a}\noutlet: Bench Wire\n"
            f"published: 2024-{1 + a % 12:02d}-{day:02d}T12:00:00Z\n\n"
        )
        out.append(header + " ".join(sentences) + "\n")
    return out
