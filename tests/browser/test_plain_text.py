"""Text from outside is shown as text, in a real browser (issue 17, finding 6).

File names, share-link values and lesson ids reach Markdown elements (messages, progress
texts, captions). Streamlit's Markdown does far more than CommonMark: colours (``:red[]``),
icons (``:material/warning:``), emoji shortcodes, LaTeX, autolinks, arrows. Each hostile text
below is shown through :func:`classroom.app.state.plain` in each kind of element; the browser
must render exactly its characters and no element besides the text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from harness.app import free_port, streamlit_command, streamlit_server
from tests.browser.conftest import open_tab
from tests.conftest import REPO_ROOT

PAGE = Path(__file__).resolve().parent / "app" / "plain_text.py"
#: What people tried (issue 17) and the rest of what Streamlit's Markdown would turn into
#: something other than text.
HOSTILE = (
    "**bold** _italic_ ~~struck~~ `code`",
    "![remote](http://127.0.0.1:9/x.png) [a link](http://127.0.0.1:9/)",
    "http://127.0.0.1:9/autolink www.example.com someone@example.com",
    ":red[red] :blue-background[blue] :orange-badge[badge] :small[small] :color[c]{foreground=red}",
    "$x^2$ and $$\\int_0^1 x\\,dx$$",
    ":material/warning: :material_warning: :streamlit: :smile: :+1:",
    "<b>html</b> <img src=x onerror=alert(1)> <script>alert(1)</script> &amp; &#60;",
    "# heading\n> quote\n- item\n1. first\n---\n| a | b |\n|---|---|",
    "a -> b <- c <-> d -- e >= f <= g ~= h",
    "back\\slash \\*not bold\\* trailing\\",
    ":help[tooltip] :shimmer[shiny]",
    "../../etc/passwd %00 \x00 nul",
)


@pytest.fixture(scope="module")
def plain_page(browser: BrowserContext) -> Iterator[Page]:
    port = free_port()
    environment = {**os.environ, "CLASSROOM_TEST_TEXTS": json.dumps(HOSTILE)}
    command = streamlit_command(port, PAGE)
    with (
        streamlit_server(command, port, environment=environment, cwd=REPO_ROOT) as server,
        open_tab(browser, server.url) as tab,
    ):
        tab.wait_for_selector(f".st-key-case-{len(HOSTILE) - 1} [data-testid='stProgress']")
        yield tab


def _expected(text: str) -> str:
    """What a reader sees: the text, with control characters and line breaks as spaces."""
    return " ".join("".join(" " if ord(c) < 32 else c for c in text).split())


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_text_from_outside_is_shown_as_text(plain_page: Page, index: int) -> None:
    case = plain_page.locator(f".st-key-case-{index}")
    found = case.evaluate(
        """(root) => {
            const containers = [...root.querySelectorAll(
                "[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer']")];
            return containers.map((node) => ({
                text: node.innerText.replaceAll("\\u2060", ""),
                elements: [...node.querySelectorAll("*")]
                    .map((el) => el.tagName.toLowerCase())
                    .filter((tag) => tag !== "p"),
            }));
        }"""
    )
    expected = _expected(HOSTILE[index])
    texts = [" ".join(item["text"].split()) for item in found]
    assert len(found) == 5, "markdown, error, notice, caption and progress text"
    for text in texts:
        assert expected in text
    for item in found:
        assert item["elements"] == [], f"{HOSTILE[index]!r} became {item['elements']}"
