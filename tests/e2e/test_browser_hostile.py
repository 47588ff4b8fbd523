"""A hostile upload in a real browser: names and values from the files are text, and the page loads
nothing from any host but the app's own server (issue 10, item 4).

The pair is the credit sample with hostile names: file names, column names, category values and a batch
label written as Markdown images (``![t](http://198.51.100.1/x.png)``), HTML (``<img src=…>``), maths
(``$x^2$``), a colour directive (``:red[boom]``) and bold (``**bold**``).  198.51.100.0/24 is a range
reserved for documentation (RFC 5737): nothing answers there, so a request to it can only be the page
obeying a name.  The test records every request the browser makes while it uploads the pair and walks
every page, then fails on any request whose host is not the app's ``127.0.0.1:port``, on any element
Markdown made of a value (an image, KaTeX maths), on a traceback, and on a hostile name that is not
shown literally where the page names it.  Full-page screenshots (``hostile_*.png``) and the list of
requests (``hostile_requests.json``) go to ``tests/e2e/screenshots/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from tests.e2e.test_browser import SCREENSHOTS, go_to, open_dropdown, screenshot, upload_pair, wait_idle
from ui.boundary import BUG_MESSAGE
from ui.safe import JOINER

pytestmark = pytest.mark.e2e

HOST = "198.51.100.1"   # RFC 5737 documentation range: a request there is the page obeying a name
IMAGE_COLUMN = f"![t](http://{HOST}/x.png)"
HTML_COLUMN = f"<img src=http://{HOST}/y.png>"
MATH_COLUMN = "$x^2$"
COLOR_COLUMN = ":red[boom]"
BOLD_VALUE = "**bold**"
IMAGE_VALUE = f"![c](http://{HOST}/c.png)"
BATCH = f"![b](http://{HOST}/b.png)"
#: File names cannot hold "/", so their images point at the app's own server (a relative URL), and they
#: stay short: the uploader shows a long name cut in the middle.
REFERENCE_NAME = "![r](r.png) $x^2$.csv"
PRODUCTION_NAME = "<img src=p.png> :red[b].csv"
#: Files the hostile names point at: no request may ask for one, whatever its host.
BAIT = {"x.png", "y.png", "c.png", "b.png", "r.png", "p.png"}
RENAMED = {"age": IMAGE_COLUMN, "income": HTML_COLUMN, "employment_years": MATH_COLUMN,
           "region": COLOR_COLUMN}

#: Pages in navigation order: (title, url path, what this page must show literally).
PAGES = [
    ("Overview", "", (REFERENCE_NAME, PRODUCTION_NAME)),
    ("Data", "dataset", (REFERENCE_NAME, PRODUCTION_NAME)),
    ("Feature Drift", "feature-drift", (COLOR_COLUMN, BOLD_VALUE)),
    ("Domain Classifier", "domain-classifier", ()),
    ("Embeddings", "embedding-map", ()),
    ("Diagnosis", "diagnose", (BATCH, HTML_COLUMN)),
    ("Report", "stakeholder-report", (BATCH,)),
    ("Timeline", "batch-timeline", ()),
    ("Autopilot", "retrain-autopilot", ()),
    ("Text", "text-drift", ()),
    ("Practice", "interview-practice", ()),
]
HOSTILE = (IMAGE_COLUMN, HTML_COLUMN, MATH_COLUMN, COLOR_COLUMN, BOLD_VALUE, BATCH, REFERENCE_NAME,
           PRODUCTION_NAME)


def hostile_pair(sample_files: tuple[Path, Path], folder: Path) -> tuple[Path, Path]:
    """The credit sample (first 1,000 rows a side) with hostile file, column, category and batch names."""
    reference, production = (pd.read_csv(p) for p in sample_files)
    frames = []
    for frame in (reference.head(1000), production.groupby("batch").head(400)):
        frame = frame.rename(columns=RENAMED)
        frame["channel"] = frame["channel"].replace({"online": BOLD_VALUE})
        frame["purpose"] = frame["purpose"].replace({"other": IMAGE_VALUE})
        frames.append(frame)
    frames[1]["batch"] = frames[1]["batch"].replace({"2025-05": BATCH})
    paths = folder / REFERENCE_NAME, folder / PRODUCTION_NAME
    for frame, path in zip(frames, paths):
        frame.to_csv(path, index=False)
    return paths


def page_text(page) -> str:
    """What the page shows as text, charts' labels included (word joiners, which the escaping inserts
    invisibly, removed)."""
    shown = page.evaluate("""() => [document.body.innerText,
        ...[...document.querySelectorAll('svg text')].map(t => t.textContent)].join('\\n')""")
    return shown.replace(JOINER, "")


def markup_made_from_values(page) -> list[str]:
    """Elements Markdown builds from text that no page writes itself: images from other hosts, maths."""
    return page.evaluate(rf"""() => {{
        const own = location.host, out = [];
        for (const img of document.querySelectorAll('img')) {{
            const src = img.getAttribute('src') || '', url = new URL(src, location.href);
            if (url.protocol !== 'data:' && (url.host !== own || /\/[a-z]\.png$/.test(url.pathname)))
                out.push('img ' + src);
        }}
        for (const k of document.querySelectorAll('.katex')) out.push('katex ' + k.textContent);
        for (const a of document.querySelectorAll('a[href*="{HOST}"]')) out.push('link ' + a.href);
        return out; }}""")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the main area's selectbox labelled ``label`` (options are plain text)."""
    select = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text=label)
    options = open_dropdown(page, select)
    options.filter(has_text=option).first.click()
    wait_idle(page)


def prepare(page, title: str) -> str:
    """What a user does on a page before reading it — open the hostile feature, then the one with hostile
    categories; diagnose the hostile batch — and the text shown on the way."""
    main = page.get_by_test_id("stMain")
    if title == "Feature Drift":
        main.get_by_test_id("stDataFrame").first.wait_for()
        choose(page, "Feature", COLOR_COLUMN)
        shown = page_text(page)
        screenshot(page, "hostile_feature_drift_column")
        choose(page, "Feature", "channel")
        return shown
    if title == "Diagnosis":
        main.get_by_text("Showing batch").wait_for()
        choose(page, "Batch to diagnose", BATCH)
        main.get_by_role("button", name=re.compile("Run all steps")).click()
        wait_idle(page)
        main.get_by_text("VERDICT", exact=True).wait_for()
    return ""


def test_hostile_upload_is_text_and_loads_nothing_from_other_hosts(page, app_url, sample_files,
                                                                   tmp_path) -> None:
    reference, production = hostile_pair(sample_files, tmp_path)
    own = urlsplit(app_url).netloc
    requests: list[tuple[str, str]] = []          # (where the walk was, URL)
    where = ["upload"]
    page.on("request", lambda request: requests.append((where[0], request.url)))

    page.goto(app_url)
    page.get_by_test_id("stMetric").first.wait_for()
    upload_pair(page, reference, production)
    page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").filter(
        has_text="production").first.wait_for()

    problems: list[str] = []
    seen: set[str] = set()
    for title, url_path, expected in PAGES:
        where[0] = title
        go_to(page, title, url_path)
        on_the_way = prepare(page, title)
        screenshot(page, "hostile_" + re.sub(r"\W+", "_", title.lower()))
        shown = on_the_way + page_text(page)
        seen.update(h for h in HOSTILE if h in shown)
        problems += [f"{title}: {name!r} not shown literally" for name in expected if name not in shown]
        problems += [f"{title}: {what}" for what in markup_made_from_values(page)]
        tracebacks = page.get_by_test_id("stException")
        if tracebacks.count():
            problems.append(f"{title}: traceback panel: {tracebacks.first.inner_text()[:3000]}")
        if BUG_MESSAGE in shown:
            problems.append(f"{title}: the error boundary caught a bug:\n"
                            f"{shown[shown.index(BUG_MESSAGE):][:3000]}")

    foreign = sorted({(w, u) for w, u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(u).netloc != own})
    baited = sorted({(w, u) for w, u in requests if urlsplit(u).path.rsplit("/", 1)[-1] in BAIT})
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "hostile_requests.json").write_text(json.dumps(
        {"own": own, "n_requests": len(requests), "foreign": foreign, "bait": baited,
         "hosts": sorted({urlsplit(u).netloc or urlsplit(u).scheme for _, u in requests})}, indent=1))
    problems += [f"{w}: request to another host: {u}" for w, u in foreign]
    problems += [f"{w}: request for a file a name points at: {u}" for w, u in baited]
    problems += [f"{name!r} never shown literally on any page" for name in HOSTILE if name not in seen]
    assert not problems, "\n".join(problems)
