"""The regression and multiclass impact calculators of ui.impact, run in a small script: each figure is
"assumed" until edited, the parts and the figures behind them are shown, and nothing raises."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

TIMEOUT = 60


def regression_app():
    import pandas as pd
    import streamlit as st

    import drift
    from ui import impact as im

    forecast = [12, 9, 10, 11, 18, 20, 23, 20]
    ref = pd.DataFrame({"units": [10, 10, 10, 10, 20, 20, 20, 20], "forecast": forecast})
    cur = pd.DataFrame({"units": [10, 12, 14, 10, 20, 25, 22, 20], "forecast": forecast})
    inputs = im.regression_calculator(im.REPORT_TASK_KEYS)
    bi = drift.regression_impact(ref, cur, target="units", prediction="forecast", inputs=inputs, n_boot=50)
    st.text(bi.sentence)
    im.show_task(bi, key="rates")


def multiclass_app():
    import pandas as pd
    import streamlit as st

    import drift
    from ui import impact as im

    ref = pd.DataFrame({"y": list("aaaabbbccc"), "pred": list("aabaabbcbc")})
    cur = pd.DataFrame({"y": list("aabbbccccc"), "pred": list("acbbcacbcc")})
    inputs = im.multiclass_calculator(im.REPORT_TASK_KEYS, ("a", "b", "c"))
    bi = drift.multiclass_impact(ref, cur, target="y", prediction="pred", inputs=inputs, n_boot=50)
    st.text(bi.sentence)
    im.show_task(bi, key="rates")


def _sentence(at: AppTest) -> str:
    return at.text[0].value


def test_regression_calculator_marks_assumed_figures_until_edited():
    at = AppTest.from_function(regression_app, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [n.label for n in at.number_input] == ["Forecasts per month", "Cost per unit over-forecast ($)",
                                                  "Cost per unit under-forecast ($)"]
    assert sum("assumed" in c.value for c in at.caption) == 3
    assert "With assumed figures (forecasts per month 10,000" in _sentence(at)
    at.number_input[2].set_value(5.0).run()
    assert not at.exception
    assert sum("assumed — edit" in c.value for c in at.caption) == 2
    assert "under-forecasts at $5.00 per unit" in _sentence(at)
    assert "cost per unit under-forecast" not in _sentence(at).split("With assumed figures")[1]
    assert [m.label for m in at.metric] == ["Over-forecast / quarter", "Under-forecast / quarter",
                                            "Total change / quarter"]
    rates = at.dataframe[0].value
    assert "Mean error (forecast − actual)" in set(rates["figure"])
    at.button[0].click().run()                       # "Use the assumed figures again"
    assert sum("assumed — edit" in c.value for c in at.caption) == 3


def test_multiclass_calculator_shows_the_default_matrix_as_assumed():
    at = AppTest.from_function(multiclass_app, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [n.label for n in at.number_input] == ["Decisions per month"]
    assert "cost matrix default (every error costs $1.00" in _sentence(at)
    at.number_input[0].set_value(2000).run()
    assert not at.exception and "decisions per month" not in _sentence(at).split("With assumed")[1]
    assert [m.label for m in at.metric] == ["Model error / quarter", "Changed class mix / quarter",
                                            "Total change / quarter"]
    assert "Share of class a" in set(at.dataframe[-1].value["figure"])
