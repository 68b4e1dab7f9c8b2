"""Surface-cue checks for a quiz bank: could a learner who knows nothing but test-taking tricks pass?

Pure standard library, no app, no database: the seed content's tests, the content writers and
the admin's question editor all call the same functions.

Input
-----
A bank is a list of rows shaped like an item of ``questions.json``::

    {"key": "wbs-01", "kind": "single" | "multiple" | "true_false",
     "prompt_id": "...", "prompt_en": "...",
     "choices": [{"id": "...", "en": "...", "correct": true}, ...],   # single / multiple
     "answer": true}                                                   # true_false

A true_false row may carry ``choices`` instead of ``answer`` (as a row built from the
database does: "Benar/True" first, then "Salah/False"); ``answer`` wins when both are there.
``items_from_content(rows, lang)`` turns rows into one language's ``Item``s, and everything
else works on ``Item``s, so a caller holding database objects can also build ``Item``s
directly: ``Item(kind, prompt, choices=((text, correct), ...), key=...)``.

What is measured
----------------
* ``surface_cue_pass_rate``: the exact probability that a test-wise guesser passes one
  attempt of ``drawn`` questions drawn at random from the bank, for the best of several
  guessing strategies (``STRATEGIES``: cross out absolute words then take the longest, or the
  one echoing the stem; take the longest; take the shortest. ``strategy_pass_rates`` gives
  each one).
* ``key_uniquely_longest_share``: how often the key of a single-choice item is its longest
  option ("pick the longest" is the classic tip).
* ``true_share``: how often "true" is the key of a true/false item.
* ``lint_item`` / ``lint_row``: short, stable warning codes per item (``LINT_CODES``), for
  the editor to translate and show.
* ``check_bank``: the three bank-level figures in each language against the limits below,
  with the breached limits listed.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# --- limits -----------------------------------------------------------------------------------

MAX_SURFACE_PASS_RATE = 0.02       # a test-wise guesser passes at most 1 attempt in 50
MAX_KEY_LONGEST_SHARE = 0.35       # share of single-choice keys that are the unique longest option
MIN_TRUE_SHARE = 0.35              # share of true/false items whose key is "true"
MAX_TRUE_SHARE = 0.65
KEY_LENGTH_RATIO = 1.5             # lint: key longer than 1.5 x the mean distractor length
DEFAULT_DRAWN = 10
DEFAULT_PASS_MARK_PERCENT = 80

LANGS = ("id", "en")
KINDS = ("single", "multiple", "true_false")
TRUE_FALSE_TEXTS = {"id": ("Benar", "Salah"), "en": ("True", "False")}

# --- word lists (matched as whole words or phrases, case-insensitive, in either language) ----

# Specific determiners and dismissive phrases: test-wise learners cross out options that
# contain them ("the answer is usually wrong if it says always, never, all or none").
ABSOLUTE_WORDS = {
    "id": (
        "selalu", "senantiasa", "tidak pernah", "tak pernah", "semua", "semuanya", "seluruh",
        "seluruhnya", "segala", "setiap", "pasti", "tentu saja", "mutlak", "hanya", "cuma",
        "semata", "semata-mata", "saja", "sama sekali", "tidak perlu", "tak perlu", "tidak usah",
        "tidak wajib", "tidak boleh sama sekali", "cukup", "tidak ada yang", "tidak ada satu pun",
        "apa pun", "apapun", "dalam keadaan apa pun", "tanpa kecuali", "tanpa terkecuali",
    ),
    "en": (
        "always", "never", "all", "none", "only", "no need", "not at all", "nothing", "no one",
        "nobody", "every", "everything", "everyone", "entirely", "completely", "absolutely",
        "certainly", "definitely", "just", "merely", "solely", "simply", "enough", "need not",
        "needn't", "not needed", "not required", "unnecessary", "whatever", "at all",
        "under any circumstances", "without exception",
    ),
}

# Negative words in a stem; allowed only when written in capitals (TIDAK, BUKAN, NOT, EXCEPT).
NEGATIVE_WORDS = {
    "id": ("tidak", "tak", "bukan", "kecuali"),
    "en": ("not", "except", "cannot", "never"),
}

# "All of the above" / "none of the above" and their relatives.
AOTA_PATTERNS = (
    r"\b(semua|seluruh) (jawaban|pilihan|pernyataan) (di atas|benar)\b",
    r"\b(semua|seluruhnya) (di atas )?benar\b",
    r"\btidak ada (jawaban |pilihan |pernyataan )?yang benar\b",
    r"\b(all|none|both|neither) of (the|these) (above|options|answers)\b",
    r"\b(all|none) of the above\b",
    r"\bboth [a-e] and [a-e]\b",
    r"\b[a-e] dan [a-e] benar\b",
    r"\bjawaban [a-e] dan [a-e]\b",
)

# Words that carry no content for the stem/option overlap ("clang") cue.
STOP_WORDS = frozenset("""
    yang dan atau di ke dari dalam untuk dengan pada ini itu apa siapa mana manakah bagaimana
    mengapa kapan berapa adalah ialah oleh sebagai akan telah sudah belum bila jika apabila agar
    supaya karena sehingga tersebut tentang menurut para juga lebih atas bagi ia dia mereka kami
    kita anda saya serta secara hal dapat harus boleh bisa masih lagi yaitu yakni antara setelah
    sebelum sejak hingga sampai paling sangat ada pak bu ibu bapak seorang sebuah satu dua tiga
    pilih benar salah sebaiknya apakah hendak ingin kemudian lalu namun tetapi tapi maupun baik
    nya pun jo tahun nomor pasal ayat huruf angka
    the a an and or of to in on for with by at from as is are was were be been being it its this
    that these those what which who whom whose how why when where does do did has have had can
    could should would may might must will shall under according their they them he she his her
    him than then there into about after before since until if so not also any each other such
    choose apply following true false mr mrs ms one two three per law article paragraph point
""".split())

LINT_CODES = (
    "key_count",          # single / true_false without exactly one key, multiple without a key
    "few_choices",        # single / multiple with fewer than three options
    "duplicate_choice",   # two options with the same text
    "all_correct",        # multiple: every option is correct (ticking everything wins)
    "key_longest",        # the key is the unique longest option, or > 1.5 x the mean distractor
    "key_shortest",       # the key is shorter than 1 / 1.5 of the mean distractor
    "absolute_word",      # an option (or a true/false statement) has an absolute/dismissive word
    "aota",               # "all / none of the above" and relatives
    "negative_stem",      # a negative word in the stem not written in capitals
    "clang",              # the key repeats a content word of the stem that no distractor repeats
    "missing_text",       # an empty prompt or option in one language
    "bilingual_drift",    # the languages differ in the number of options or in the key
)


# --- items --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One question in one language. For true_false, ``choices`` is ((true_text, answer is
    true), (false_text, answer is false)), "true" first."""
    kind: str
    prompt: str
    choices: tuple[tuple[str, bool], ...] = ()
    key: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        object.__setattr__(self, "choices", tuple((str(t), bool(c)) for t, c in self.choices))

    @property
    def texts(self) -> list[str]:
        return [t for t, _ in self.choices]

    @property
    def correct(self) -> frozenset[int]:
        return frozenset(i for i, (_, c) in enumerate(self.choices) if c)

    @property
    def answer(self) -> bool | None:
        """For true_false: is "true" the key? None if the choices do not say."""
        if self.kind != "true_false" or len(self.choices) != 2 or len(self.correct) != 1:
            return None
        return self.choices[0][1]


def item_from_row(row: Mapping, lang: str) -> Item:
    """One row (a questions.json item, or the same shape built from the database) in ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    kind = str(row.get("kind", ""))
    prompt = str(row.get(f"prompt_{lang}") or "")
    if kind == "true_false" and isinstance(row.get("answer"), bool):
        true_text, false_text = TRUE_FALSE_TEXTS[lang]
        choices: tuple[tuple[str, bool], ...] = ((true_text, row["answer"]), (false_text, not row["answer"]))
    else:
        choices = tuple((str(c.get(lang) or ""), bool(c.get("correct"))) for c in row.get("choices") or ())
    return Item(kind, prompt, choices, key=str(row.get("key") or ""))


def items_from_content(rows: Iterable[Mapping], lang: str) -> list[Item]:
    return [item_from_row(row, lang) for row in rows]


# --- text helpers --------------------------------------------------------------------------------

_ALL_ABSOLUTES = tuple(sorted({w for words in ABSOLUTE_WORDS.values() for w in words}, key=len, reverse=True))
_ALL_NEGATIVES = frozenset(w for words in NEGATIVE_WORDS.values() for w in words)


def _normal(text: str) -> str:
    """Lower case, letters and digits only (keeping apostrophes and hyphens inside words, and
    numbers such as 15/2019 whole)."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^\w'\-/]+|_", " ", text)
    text = re.sub(r"(?<!\w)['\-]|['\-](?!\w)|(?<!\d)/|/(?!\d)", " ", text)
    return " " + " ".join(text.split()) + " "


def absolute_words(text: str) -> list[str]:
    """The absolute or dismissive words and phrases in ``text`` (either language)."""
    padded = _normal(text)
    return [w for w in _ALL_ABSOLUTES if f" {w} " in padded]


def has_absolute_word(text: str) -> bool:
    return bool(absolute_words(text))


def is_aota(text: str) -> bool:
    padded = _normal(text)
    return any(re.search(p, padded) for p in AOTA_PATTERNS)


def has_lowercase_negative(text: str) -> bool:
    for word in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text):
        lowered = word.lower()
        if (lowered in _ALL_NEGATIVES or lowered.endswith("n't")) and not word.isupper():
            return True
    return False


def _stem_word(token: str) -> str:
    if token.endswith("'s"):
        token = token[:-2]
    if token.endswith("nya") and len(token) > 5:
        token = token[:-3]
    if token.endswith("s") and not token.endswith("ss") and len(token) > 4 and token.isascii():
        token = token[:-1]
    return token


def content_words(text: str) -> frozenset[str]:
    tokens = _normal(text).split()
    return frozenset(_stem_word(t) for t in tokens
                     if t not in STOP_WORDS and (len(t) >= 3 or any(ch.isdigit() for ch in t)))


def overlap(stem: str, option: str) -> int:
    return len(content_words(stem) & content_words(option))


# --- guessing strategies ----------------------------------------------------------------------
# Each returns the probability (exact, a Fraction) that the strategy answers the item right.
# Ties are split evenly: a guesser choosing among tied options picks each with equal chance.

def _best_share(item: Item, candidates: Sequence[int], score: Callable[[int], float]) -> Fraction:
    if not candidates:
        return Fraction(0)
    top = max(score(i) for i in candidates)
    best = [i for i in candidates if score(i) == top]
    return Fraction(sum(1 for i in best if i in item.correct), len(best))


def _ticks_exactly(item: Item, ticked: Iterable[int]) -> Fraction:
    ticked = frozenset(ticked)
    return Fraction(1) if ticked and ticked == item.correct else Fraction(0)


def _top_k(item: Item, k: int, score: Callable[[int], float]) -> Fraction:
    """Tick the k options with the highest score, ties broken at random: P(exactly the key set)."""
    n = len(item.choices)
    if n == 0:
        return Fraction(0)
    k = max(1, min(k, n))
    ranked = sorted(range(n), key=score, reverse=True)
    boundary = score(ranked[k - 1])
    sure = frozenset(i for i in range(n) if score(i) > boundary)
    tied = frozenset(i for i in range(n) if score(i) == boundary)
    needed = k - len(sure)
    rest = item.correct - sure
    if not sure <= item.correct or not rest <= tied or len(rest) != needed:
        return Fraction(0)
    return Fraction(1, math.comb(len(tied), needed))


def _without_absolutes(item: Item) -> list[int]:
    return [i for i, text in enumerate(item.texts) if not has_absolute_word(text)]


def _length(item: Item) -> Callable[[int], float]:
    return lambda i: len(item.texts[i].strip())


def _tf_guess_by_wording(item: Item) -> Fraction:
    """Answer "true", unless the statement has an absolute or dismissive word: then "false"."""
    if item.answer is None:
        return Fraction(0)
    guess_true = not has_absolute_word(item.prompt)
    return Fraction(1) if guess_true == item.answer else Fraction(0)


def _tf_guess(value: bool) -> Callable[[Item], Fraction]:
    def guess(item: Item) -> Fraction:
        if item.answer is None:
            return Fraction(0)
        return Fraction(1) if item.answer == value else Fraction(0)
    return guess


def _multiple_absolute(item: Item) -> Fraction:
    remaining = _without_absolutes(item)
    if remaining:
        return _ticks_exactly(item, remaining)
    return _best_share(item, range(len(item.choices)), _length(item)) if len(item.correct) == 1 else Fraction(0)


def absolute_longest(item: Item) -> Fraction:
    """(a) Cross out options with absolute/dismissive words, then take the longest one left.
    true_false: "true" unless the statement has such a word. multiple: tick every option
    without such a word (none left: the longest alone)."""
    if item.kind == "true_false":
        return _tf_guess_by_wording(item)
    if item.kind == "multiple":
        return _multiple_absolute(item)
    candidates = _without_absolutes(item) or list(range(len(item.choices)))
    return _best_share(item, candidates, _length(item))


def absolute_clang(item: Item) -> Fraction:
    """(b) As (a), but take the option sharing the most content words with the stem.
    multiple: tick the remaining options that share a content word with the stem (none do:
    as (a))."""
    if item.kind == "true_false":
        return _tf_guess_by_wording(item)
    remaining = _without_absolutes(item)
    if item.kind == "multiple":
        echoing = [i for i in remaining if overlap(item.prompt, item.texts[i]) > 0]
        return _ticks_exactly(item, echoing) if echoing else _multiple_absolute(item)
    candidates = remaining or list(range(len(item.choices)))
    return _best_share(item, candidates, lambda i: overlap(item.prompt, item.texts[i]))


def longest(item: Item) -> Fraction:
    """(c) The longest option, nothing crossed out. true_false: "false". multiple: tick the
    longer half of the options."""
    if item.kind == "true_false":
        return _tf_guess(False)(item)
    if item.kind == "multiple":
        return _top_k(item, math.ceil(len(item.choices) / 2), _length(item))
    return _best_share(item, range(len(item.choices)), _length(item))


def shortest(item: Item) -> Fraction:
    """(d) The counter-tip for writers who over-correct: the shortest option. true_false:
    "true". multiple: tick the shorter half of the options."""
    if item.kind == "true_false":
        return _tf_guess(True)(item)
    size = _length(item)
    if item.kind == "multiple":
        return _top_k(item, math.ceil(len(item.choices) / 2), lambda i: -size(i))
    return _best_share(item, range(len(item.choices)), lambda i: -size(i))


STRATEGIES: dict[str, Callable[[Item], Fraction]] = {
    "absolute_longest": absolute_longest,
    "absolute_clang": absolute_clang,
    "longest": longest,
    "shortest": shortest,
}


# --- pass probability -------------------------------------------------------------------------

def marks_needed(drawn: int, pass_mark_percent: int) -> int:
    """The fewest right answers out of ``drawn`` that pass (the same integer rule as grading)."""
    return -(-pass_mark_percent * drawn // 100)


def pass_probability(probabilities: Sequence, *, drawn: int = DEFAULT_DRAWN,
                     pass_mark_percent: int = DEFAULT_PASS_MARK_PERCENT) -> Fraction:
    """Exact P(pass) when ``drawn`` items are drawn uniformly without replacement from a bank
    whose item i is answered right independently with probability ``probabilities[i]``.

    A dynamic programme over the items of the polynomial sum over k-subsets S of
    prod_{i in S} (1 - p_i + p_i x): ways[k][c] is the total weight of k-subsets with c right.
    """
    ps = [Fraction(p) for p in probabilities]
    n = len(ps)
    drawn = min(drawn, n)
    if drawn <= 0:
        return Fraction(0)
    ways = [[Fraction(0)] * (drawn + 1) for _ in range(drawn + 1)]
    ways[0][0] = Fraction(1)
    for p in ps:
        q = 1 - p
        for k in range(drawn, 0, -1):
            row, below = ways[k], ways[k - 1]
            for c in range(k, -1, -1):
                row[c] += below[c] * q + (below[c - 1] * p if c else 0)
    need = marks_needed(drawn, pass_mark_percent)
    return sum(ways[drawn][need:], Fraction(0)) / math.comb(n, drawn)


def strategy_pass_rates(items: Sequence[Item], *, drawn: int = DEFAULT_DRAWN,
                        pass_mark_percent: int = DEFAULT_PASS_MARK_PERCENT) -> dict[str, float]:
    """Each strategy's exact chance of passing one attempt."""
    return {name: float(pass_probability([strategy(item) for item in items], drawn=drawn,
                                         pass_mark_percent=pass_mark_percent))
            for name, strategy in STRATEGIES.items()}


def surface_cue_pass_rate(items: Sequence[Item], *, drawn: int = DEFAULT_DRAWN,
                          pass_mark_percent: int = DEFAULT_PASS_MARK_PERCENT) -> float:
    """The best strategy's chance of passing one attempt (0 for an empty bank)."""
    rates = strategy_pass_rates(items, drawn=drawn, pass_mark_percent=pass_mark_percent)
    return max(rates.values(), default=0.0)


# --- shares ---------------------------------------------------------------------------------------

def key_is_uniquely_longest(item: Item) -> bool:
    if item.kind != "single" or len(item.correct) != 1 or len(item.choices) < 2:
        return False
    (key,) = item.correct
    sizes = [len(t.strip()) for t in item.texts]
    return all(sizes[key] > size for i, size in enumerate(sizes) if i != key)


def key_uniquely_longest_share(items: Sequence[Item]) -> float | None:
    """Share of single-choice items whose key is strictly longer (in characters) than every
    other option; None when there is no single-choice item."""
    singles = [item for item in items if item.kind == "single"]
    if not singles:
        return None
    return sum(key_is_uniquely_longest(item) for item in singles) / len(singles)


def true_share(items: Sequence[Item]) -> float | None:
    """Share of true/false items whose key is "true"; None when there is none."""
    answers = [item.answer for item in items if item.kind == "true_false" and item.answer is not None]
    if not answers:
        return None
    return sum(answers) / len(answers)


# --- per-item lint ----------------------------------------------------------------------------

def lint_item(item: Item, other: Item | None = None) -> list[str]:
    """Warning codes (``LINT_CODES``, in that order) for one item in one language; pass the
    same item in the other language as ``other`` to check that the two agree."""
    found: set[str] = set()
    texts = [t.strip() for t in item.texts]
    correct = item.correct
    choice_kind = item.kind in ("single", "multiple")

    if item.kind == "multiple":
        if not correct:
            found.add("key_count")
        elif len(correct) == len(texts):
            found.add("all_correct")
    elif len(correct) != 1:
        found.add("key_count")
    if choice_kind and len(texts) < 3:
        found.add("few_choices")
    normalised = [_normal(t) for t in texts if t]
    if len(set(normalised)) < len(normalised):
        found.add("duplicate_choice")
    if not item.prompt.strip() or any(not t for t in texts):
        found.add("missing_text")

    if choice_kind and correct and len(correct) < len(texts):
        sizes = [len(t) for t in texts]
        keys = [sizes[i] for i in correct]
        others = [sizes[i] for i in range(len(texts)) if i not in correct]
        mean_other = sum(others) / len(others)
        if min(keys) > max(others) or (mean_other and sum(keys) / len(keys) > KEY_LENGTH_RATIO * mean_other):
            found.add("key_longest")
        if mean_other and max(keys) * KEY_LENGTH_RATIO < mean_other:
            found.add("key_shortest")
        stem = content_words(item.prompt)
        echoed_by_key = set().union(*(content_words(texts[i]) & stem for i in correct))
        echoed_by_others = set().union(*(content_words(texts[i]) & stem
                                         for i in range(len(texts)) if i not in correct))
        if echoed_by_key - echoed_by_others:
            found.add("clang")

    if choice_kind:
        if any(has_absolute_word(t) for t in texts):
            found.add("absolute_word")
        if any(is_aota(t) for t in texts):
            found.add("aota")
        if has_lowercase_negative(item.prompt):
            found.add("negative_stem")
    elif has_absolute_word(item.prompt):
        found.add("absolute_word")

    if other is not None:
        if (other.kind != item.kind or len(other.choices) != len(item.choices)
                or other.correct != item.correct):
            found.add("bilingual_drift")
        if not other.prompt.strip() or any(not t.strip() for t in other.texts):
            found.add("missing_text")
    return [code for code in LINT_CODES if code in found]


def lint_row(row: Mapping, langs: Sequence[str] = LANGS) -> list[str]:
    """Warning codes for a row in all its languages (the union, in ``LINT_CODES`` order)."""
    items = [item_from_row(row, lang) for lang in langs]
    found: set[str] = set()
    for i, item in enumerate(items):
        found.update(lint_item(item, items[i - 1] if i else None))
    return [code for code in LINT_CODES if code in found]


# --- the bank ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Breach:
    code: str            # "surface_pass_rate", "key_longest_share" or "true_share"
    lang: str
    value: float
    limit: str           # e.g. "<= 0.02", "0.35-0.65"


@dataclass
class BankReport:
    size: int
    drawn: int
    pass_mark_percent: int
    strategy_rates: dict[str, dict[str, float]] = field(default_factory=dict)   # lang -> name -> rate
    surface_pass_rate: dict[str, float] = field(default_factory=dict)          # lang -> best rate
    key_longest_share: dict[str, float | None] = field(default_factory=dict)   # lang -> share
    true_share: dict[str, float | None] = field(default_factory=dict)          # lang -> share
    breaches: list[Breach] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaches

    @property
    def codes(self) -> list[str]:
        """The breached limits, each named once."""
        return sorted({b.code for b in self.breaches})

    def summary(self) -> str:
        lines = [f"{self.size} items, {self.drawn} drawn, pass mark {self.pass_mark_percent}%"]
        for lang in self.surface_pass_rate:
            rates = ", ".join(f"{name} {rate:.5f}" for name, rate in self.strategy_rates[lang].items())
            share, tf = self.key_longest_share[lang], self.true_share[lang]
            lines.append(f"[{lang}] pass rate by strategy: {rates}; key uniquely longest: "
                         f"{'-' if share is None else f'{share:.2f}'}; true share: "
                         f"{'-' if tf is None else f'{tf:.2f}'}")
        lines.append("OK" if self.ok else "BREACHED: " + ", ".join(
            f"{b.code} [{b.lang}] {b.value:.4f} (limit {b.limit})" for b in self.breaches))
        return "\n".join(lines)


def check_bank(rows: Sequence[Mapping], *, drawn: int = DEFAULT_DRAWN,
               pass_mark_percent: int = DEFAULT_PASS_MARK_PERCENT,
               langs: Sequence[str] = LANGS) -> BankReport:
    """The bank-level limits, in every language: surface-cue pass rate <= MAX_SURFACE_PASS_RATE,
    uniquely-longest key share <= MAX_KEY_LONGEST_SHARE, true share within
    [MIN_TRUE_SHARE, MAX_TRUE_SHARE]. A share that cannot be computed (no item of that kind)
    breaches nothing."""
    report = BankReport(size=len(rows), drawn=min(drawn, len(rows)), pass_mark_percent=pass_mark_percent)
    for lang in langs:
        items = items_from_content(rows, lang)
        rates = strategy_pass_rates(items, drawn=drawn, pass_mark_percent=pass_mark_percent)
        best = max(rates.values(), default=0.0)
        share, tf = key_uniquely_longest_share(items), true_share(items)
        report.strategy_rates[lang] = rates
        report.surface_pass_rate[lang] = best
        report.key_longest_share[lang] = share
        report.true_share[lang] = tf
        if best > MAX_SURFACE_PASS_RATE:
            report.breaches.append(Breach("surface_pass_rate", lang, best, f"<= {MAX_SURFACE_PASS_RATE}"))
        if share is not None and share > MAX_KEY_LONGEST_SHARE:
            report.breaches.append(Breach("key_longest_share", lang, share, f"<= {MAX_KEY_LONGEST_SHARE}"))
        if tf is not None and not MIN_TRUE_SHARE <= tf <= MAX_TRUE_SHARE:
            report.breaches.append(Breach("true_share", lang, tf, f"{MIN_TRUE_SHARE}-{MAX_TRUE_SHARE}"))
    return report


if __name__ == "__main__":  # python portal/learning/bank_quality.py <questions.json> [drawn] [pass mark]
    import json
    import sys

    path = sys.argv[1]
    with open(path, encoding="utf-8") as handle:
        bank = json.load(handle)
    drawn = int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_DRAWN
    pass_mark = int(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_PASS_MARK_PERCENT
    print(check_bank(bank, drawn=drawn, pass_mark_percent=pass_mark).summary())
    for row in bank:
        codes = lint_row(row)
        if codes:
            print(f"{row.get('key')}: {', '.join(codes)}")
