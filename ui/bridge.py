"""The page's link to the browser: a tiny ``st.components.v2`` component without any markup.

Streamlit reports clicks and box/lasso selections of a Plotly chart, but not its zoom. This
script, run in the page, listens to the timeline's ``plotly_relayout`` events (drag-zoom, the
range slider, the quick-range buttons, double-click to reset) and sends the visible range back as
a trigger value, so the zoom becomes view state: in the URL, kept by every rerun. It also says
once when the first chart is drawn (the rest of the first page follows then), and makes Enter in
a date box apply the typed dates at once. Nothing in it reads or writes article text.
"""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

_JS = r"""
export default function (component) {
  const { data, setTriggerValue } = component;
  const cfg = data || {};
  const bridge = (window.__timelineBridge = window.__timelineBridge || { drawn: false });
  bridge.send = setTriggerValue;
  const chartSelector = '.st-key-' + (cfg.chart_key || 'chart') + ' .js-plotly-plot';

  function onRelayout(ev) {
    if (!ev) return;
    let lo, hi;
    if (ev['xaxis.autorange'] === true) {
      bridge.send('view', { reset: true });
      return;
    }
    if (Array.isArray(ev['xaxis.range'])) {
      [lo, hi] = ev['xaxis.range'];
    } else if (ev['xaxis.range[0]'] !== undefined && ev['xaxis.range[1]'] !== undefined) {
      lo = ev['xaxis.range[0]'];
      hi = ev['xaxis.range[1]'];
    } else {
      return;
    }
    bridge.send('view', { lo: String(lo), hi: String(hi) });
  }

  function attach() {
    const gd = document.querySelector(chartSelector);
    if (gd && typeof gd.on === 'function' && !gd.__timelineBound) {
      gd.__timelineBound = true;
      gd.on('plotly_relayout', onRelayout);
    }
    return gd;
  }

  const started = Date.now();
  const timer = setInterval(() => {
    const gd = attach();
    if (cfg.want_drawn && !bridge.drawn) {
      const drawn = gd && gd.querySelector('.main-svg');
      if (drawn || Date.now() - started > 2500) {
        bridge.drawn = true;
        bridge.send('drawn', true);
      }
    }
  }, 100);

  function onKey(ev) {
    const target = ev.target;
    if (ev.key === 'Enter' && target && target.closest && target.closest('[data-testid="stDateInput"]')) {
      // The date box applies what was typed when the pointer goes down elsewhere: do just that.
      for (const name of ['pointerdown', 'pointerup']) {
        document.body.dispatchEvent(new PointerEvent(name, { bubbles: true, cancelable: true, composed: true }));
      }
      target.blur();
    }
  }
  document.addEventListener('keydown', onKey, true);
  return () => {
    clearInterval(timer);
    document.removeEventListener('keydown', onKey, true);
  };
}
"""

_component = st.components.v2.component("timeline_bridge", js=_JS)


def mount(*, key: str, chart_key: str, want_drawn: bool, on_view, on_drawn):
    """Mount the bridge (renders nothing); ``on_view``/``on_drawn`` run before the rerun."""
    return _component(key=key, data={"chart_key": chart_key, "want_drawn": bool(want_drawn)},
                      on_view_change=on_view, on_drawn_change=on_drawn, width="stretch", height=0)


def view_from_relayout(value: object) -> tuple[date, date] | None | str:
    """A ``view`` trigger value as (first day, last day); "reset" for a reset; None when unusable.

    Plotly reports the axis ends as ``2018-11-25 13:02:11.2`` (or a date); the end is exclusive
    when it falls on midnight, so a range [2018-11-25, 2018-12-18) is the days 25 Nov to 17 Dec.
    """
    if not isinstance(value, dict):
        return None
    if value.get("reset"):
        return "reset"
    lo_text, hi_text = str(value.get("lo", "")).strip(), str(value.get("hi", "")).strip()
    try:
        lo = date.fromisoformat(lo_text[:10])
        hi = date.fromisoformat(hi_text[:10])
    except ValueError:
        return None
    time_part = hi_text[10:].strip(" T")
    if (not time_part or time_part.strip("0:.") == "") and hi > lo:
        hi = hi - timedelta(days=1)
    if hi < lo:
        lo, hi = hi, lo
    return lo, hi


def next_view(value: object, current, all_view=None):
    """The view after a ``view`` trigger value: the reported range; for a reset (*all*, a
    double-click) ``all_view`` (every event, when the default range leaves some out; else None,
    the default); ``current`` when the value is unusable."""
    found = view_from_relayout(value)
    if found == "reset":
        return all_view
    return found if found else current
