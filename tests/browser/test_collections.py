"""A collection view in real Chromium: one Plotly map per layer, brushed and linked.

Seein' In's brushing and linking (section 3.5): a lasso drawn with the mouse in one layer's
map selects images, and the other layer's map highlights the same images after the app's
rerun. The drag is a real one (down, many moves, up) on the map's drag layer (Plotly's
``.nsewdrag`` rectangle of the subplot); which points it encloses is worked out from the
plot's own axes before the drag, so the test fails when nothing is selected, when the other
map highlights other images (or none), or when the page never settles (a selection that
keeps rerunning the script).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import POLL_MS, open_tab
from tests.browser.harness import classroom_app
from tests.lesson_tree import LessonTree

#: Making 60 digits and their vectors (torch's first import included) on a busy CPU.
STARTUP_MS = 240_000
#: A rerun of the page after a selection (two script runs on a busy CPU).
RERUN_MS = 90_000
COUNT = 60
SOURCE, OTHER = "block3 · trained · PCA", "block2 · trained · PCA"

LESSON = f"""\
title: Linked maps
model: digits
images:
  photo: {{path: photo.png, attribution: test image. CC0.}}
collections:
  digits: {{source: digits, count: {COUNT}}}
steps:
  - title: Two layers
    text: Brush one map.
    view: {{kind: embedding, collection: digits, layers: [block2, block3], method: pca}}
"""

#: Both plots drawn: their data and axes exist.
_PLOTS_READY = """() => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length === 2 && plots.every((gd) => gd._fullLayout && gd._fullLayout.xaxis
        && gd._fullData && gd._fullData.length > 0);
}"""

#: The plot titled ``title`` (of the page's current elements, not a stale one).
_PLOT = """(title) => [...document.querySelectorAll('.js-plotly-plot')].find((gd) =>
    gd.querySelector('.gtitle')?.textContent === title
    && gd.closest('[data-stale="true"]') === null)"""

#: The images of plot ``title`` well inside the page polygon (``inner``: more than
#: ``margin`` pixels from every edge) and not far outside it (``outer``); points on the
#: lasso's line may fall either way.
_ENCLOSED = f"""([title, polygon, margin]) => {{
    const gd = ({_PLOT})(title);
    const area = gd.querySelector('.nsewdrag').getBoundingClientRect();
    const xaxis = gd._fullLayout.xaxis, yaxis = gd._fullLayout.yaxis;
    const inside = (px, py) => {{
        let odd = false;
        for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {{
            const [xi, yi] = polygon[i], [xj, yj] = polygon[j];
            if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) {{
                odd = !odd;
            }}
        }}
        return odd;
    }};
    const distance = (px, py) => Math.min(...polygon.map(([xi, yi], i) => {{
        const [xj, yj] = polygon[(i + 1) % polygon.length];
        const length = (xj - xi) ** 2 + (yj - yi) ** 2;
        const along = ((px - xi) * (xj - xi) + (py - yi) * (yj - yi)) / length;
        const t = Math.max(0, Math.min(1, along));
        return Math.hypot(px - xi - t * (xj - xi), py - yi - t * (yj - yi));
    }}));
    const inner = [], outer = [];
    for (const trace of gd._fullData) {{
        Array.from(trace.x).forEach((x, i) => {{
            const px = area.left + xaxis.l2p(x), py = area.top + yaxis.l2p(trace.y[i]);
            const near = distance(px, py) <= margin;
            if (inside(px, py) && !near) inner.push(trace.customdata[i]);
            if (inside(px, py) || near) outer.push(trace.customdata[i]);
        }});
    }}
    return [inner, outer];
}}"""

#: The images plot ``title`` highlights (``null`` while it highlights none).
_HIGHLIGHTED = f"""(title) => {{
    const gd = ({_PLOT})(title);
    if (!gd || gd.data.every((trace) => !Array.isArray(trace.selectedpoints))) return null;
    const images = [];
    gd._fullData.forEach((trace, t) => (gd.data[t].selectedpoints || []).forEach(
        (i) => images.push(trace.customdata[i])));
    return images.sort((a, b) => a - b);
}}"""

#: The page has settled on a selection: its script is not running, no element is stale,
#: and both maps highlight the same images.
_SETTLED = f"""([first, second]) => {{
    if (document.querySelector('[data-testid="stStatusWidget"]') !== null) return false;
    if (document.querySelector('[data-stale="true"]') !== null) return false;
    if (document.querySelectorAll('.js-plotly-plot').length !== 2) return false;
    const a = ({_HIGHLIGHTED})(first), b = ({_HIGHLIGHTED})(second);
    return a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}}"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tree = LessonTree(tmp_path_factory.mktemp("linked"))
    tree.write(LESSON, "linked.yaml")
    cache = tree.root / "store"
    with classroom_app(tree.lessons, cache, untrained=False) as server:
        yield server.url


@pytest.fixture
def app_page(browser: BrowserContext, app_url: str) -> Iterator[Page]:
    with open_tab(browser, app_url) as tab:
        yield tab


def test_the_lesson_page_shows_both_layers_maps(app_page: Page) -> None:
    page = app_page
    page.wait_for_function(_PLOTS_READY, polling=POLL_MS, timeout=STARTUP_MS)
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()  # SVG text: no innerText
    assert titles == [OTHER, SOURCE]


def _lasso(page: Page, polygon: list[tuple[float, float]]) -> None:
    """A mouse drag along ``polygon``'s edges, back to where it started, as a hand draws."""
    page.mouse.move(*polygon[0])
    page.mouse.down()
    for x, y in [*polygon[1:], polygon[0]]:
        page.mouse.move(x, y, steps=10)
    page.mouse.up()


def test_a_lasso_in_one_layer_selects_the_same_images_in_the_other(app_page: Page) -> None:
    page = app_page
    page.wait_for_function(_PLOTS_READY, polling=POLL_MS, timeout=STARTUP_MS)
    assert page.evaluate(_HIGHLIGHTED, OTHER) is None  # nothing selected yet
    area = page.locator(".js-plotly-plot").nth(1).locator(".nsewdrag").bounding_box()
    assert area is not None
    left, top, width, height = area["x"], area["y"], area["width"], area["height"]
    # A triangle over the upper half of block3's map, where PCA puts some classes and not
    # others; a lasso, not a box, so the corners below its slanted edges stay out.
    polygon = [
        (left + 0.05 * width, top + 0.1 * height),
        (left + 0.95 * width, top + 0.1 * height),
        (left + 0.5 * width, top + 0.55 * height),
    ]
    inner, outer = page.evaluate(_ENCLOSED, [SOURCE, polygon, 4])
    assert inner, "the lasso encloses no point"
    assert len(outer) < COUNT, "the lasso encloses every point"

    _lasso(page, polygon)

    page.wait_for_function(_SETTLED, arg=[SOURCE, OTHER], polling=POLL_MS, timeout=RERUN_MS)
    highlighted = page.evaluate(_HIGHLIGHTED, OTHER)
    assert set(inner) <= set(highlighted) <= set(outer), (inner, highlighted, outer)
    summary = page.get_by_text(f"Selected {len(highlighted)} images")
    summary.wait_for(timeout=RERUN_MS)
