"""The array generator of provinces and countries (evalkit.synth_scale, evalkit synth --stations)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evalkit.pipeline import prepare
from evalkit.synth_scale import (
    MIN_OFFICERS,
    answer_blocks,
    plan_country,
    response_frame,
    station_frame,
    write_country,
)

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "indicators" / "community_policing.yaml"


def test_the_country_has_the_numbers_asked_for() -> None:
    c = plan_country(TREE, districts=2800, stations=40000, respondents=1_200_000, seed=5)
    assert len(c.district_zh) == 2800 and len(c.station_zh) == 40000
    assert c.officers.sum() == 1_200_000 and c.officers.min() >= MIN_OFFICERS
    per_district = np.bincount(c.station_district, minlength=2800)
    assert per_district.min() >= 1 and per_district.sum() == 40000
    assert np.all(np.diff(c.station_district) >= 0)
    assert len(set(c.district_zh)) == 2800 and len(set(c.district_en)) == 2800
    pairs = pd.DataFrame({"d": c.station_district, "s": c.station_zh})
    assert not pairs.duplicated().any()  # station names unique within their district
    assert c.strength.shape == (40000, 35)  # the default tree's 35 indicators
    # districts differ in strength, and some dimension is weak somewhere
    assert 60 < c.strength.mean() < 90 and c.strength.std() > 5


def test_same_seed_same_country_other_seed_another() -> None:
    a = plan_country(TREE, districts=30, stations=300, respondents=6000, seed=1)
    b = plan_country(TREE, districts=30, stations=300, respondents=6000, seed=1)
    c = plan_country(TREE, districts=30, stations=300, respondents=6000, seed=2)
    pd.testing.assert_frame_equal(response_frame(a), response_frame(b))
    pd.testing.assert_frame_equal(station_frame(a), station_frame(b))
    assert not response_frame(a).equals(response_frame(c))


@pytest.mark.parametrize(
    ("districts", "stations", "respondents", "word"),
    [(10, 5, 100, "stations"), (2, 10, 9, "respondents"), (0, 10, 100, "districts")],
)
def test_numbers_that_cannot_be_met_are_refused(districts, stations, respondents, word) -> None:
    with pytest.raises(ValueError, match=word):
        plan_country(TREE, districts=districts, stations=stations, respondents=respondents)


def test_answers_of_a_country_stay_within_memory() -> None:
    """40,000 stations and 1.2 million officers: the answers in blocks of districts."""
    tracemalloc.start()
    try:
        c = plan_country(TREE, districts=2800, stations=40000, respondents=1_200_000)
        n = sum(len(b.station) for b in answer_blocks(c))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert n == 1_200_000
    assert peak < 1.0 * 2**30


def test_written_workbooks_read_back_as_the_frames(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    shutil.copyfile(ROOT / "evalkit.yaml", proj / "evalkit.yaml")
    shutil.copytree(ROOT / "indicators", proj / "indicators")
    c = plan_country(TREE, districts=6, stations=40, respondents=900, seed=11)
    files = write_country(c, proj / "surveys")
    assert [f.name for f in files[:-1]] == [f"{d}.xlsx" for d in c.district_zh]
    assert files[-1].name == "experts.xlsx"
    again = write_country(c, tmp_path / "again")
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in again]
    p = prepare(proj)
    got = p.survey.responses.sort_values("respondent").reset_index(drop=True)
    want = response_frame(c)
    assert got["respondent"].tolist() == want["respondent"].tolist()
    assert got["station"].tolist() == want["station"].tolist()
    items = [col for col in want.columns if col not in ("respondent", "district", "station")]
    np.testing.assert_array_equal(
        got[items].to_numpy(float), want[items].to_numpy(float)
    )  # labels written as 同意 read back as their numbers, blanks as NaN
    assert np.isnan(want[items].to_numpy(float)).mean() > 0.005
    st = p.survey.stations.sort_values(["district", "station"]).reset_index(drop=True)
    sf = station_frame(c).sort_values(["district", "station"]).reset_index(drop=True)
    assert st["station_en"].tolist() == sf["station_en"].tolist()
    np.testing.assert_allclose(st["officers"].to_numpy(float), sf["officers"].to_numpy(float))


def test_synth_command_writes_a_province_of_the_size_asked(tmp_path: Path) -> None:
    out = tmp_path / "surveys"
    cmd = [sys.executable, "-m", "evalkit", "synth", str(out), "--tree", str(TREE)]
    res = subprocess.run(
        [*cmd, "--districts", "3", "--stations", "12", "--respondents", "240"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    assert len(list(out.glob("*.xlsx"))) == 4
    assert "4 files written" in res.stdout
    bad = subprocess.run(
        [*cmd, "--districts", "30", "--stations", "12"], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "stations (12) must be at least districts (30)" in bad.stdout + bad.stderr
