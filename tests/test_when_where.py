"""Dates resolve against the publication date; places resolve to gazetteer entries."""
from __future__ import annotations

import pytest

from eventwire.when import precision_of, resolve
from eventwire.where import gazetteer


@pytest.mark.parametrize("text,base,want", [
    ("on Wednesday", "2017-04-06", ("2017-04-05", "day")),
    ("Wednesday", "2017-04-05", ("2017-04-05", "day")),
    ("In January 2016", "2017-04-06", ("2016-01", "month")),
    ("in June 2016", "2017-04-06", ("2016-06", "month")),
    ("2013", "2017-04-06", ("2013", "year")),
    ("yesterday", "2020-03-02", ("2020-03-01", "day")),
    ("two days ago", "2020-03-02", ("2020-02-29", "day")),
    ("earlier this month", "2020-03-20", ("2020-03", "month")),
    ("last month", "2020-01-10", ("2019-12", "month")),
    ("last year", "2020-01-10", ("2019", "year")),
    ("5 April", "2017-04-06", ("2017-04-05", "day")),
    ("April 5, 2017", None, ("2017-04-05", "day")),
    ("on Monday", "2021-11-03", ("2021-11-01", "day")),
])
def test_resolve(text, base, want):
    assert resolve(text, base) == want


def test_future_preference():
    assert resolve("on Monday", "2021-11-03", "future") == ("2021-11-08", "day")


@pytest.mark.parametrize("text", ["decades", "recent weeks", "the time"])
def test_vague_expressions_have_no_precision(text):
    assert precision_of(text) is None


def test_relative_date_without_publication_date_is_unknown():
    assert resolve("on Wednesday", None) is None


@pytest.fixture(scope="module")
def gaz():
    return gazetteer()


def test_gazetteer_cities_and_regions(gaz):
    assert gaz.lookup("Idlib").country == "SYR"
    assert gaz.lookup("Mosul").country == "IRQ"
    east = gaz.lookup("East Ghouta")
    assert east.country == "SYR" and east.precision == "region"
    assert gaz.lookup("Idlib province").country == "SYR"
    assert gaz.lookup("Gaza Strip").country == "PSE"


def test_gazetteer_disambiguates_by_country(gaz):
    assert gaz.lookup("Paris").country == "FRA"
    assert gaz.lookup("Paris", {"USA"}).country == "USA"
    assert gaz.lookup("Tripoli").country == "LBY"
    assert gaz.lookup("Tripoli", {"LBN"}).country == "LBN"
