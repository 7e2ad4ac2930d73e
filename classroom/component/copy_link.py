"""The share box's "Copy link" button: one click puts the lesson's link on the clipboard.

Not ``st.code`` (whose copy button made every browser load and run Streamlit's 1.5 MB syntax
highlighter before the view's frame, on every open, issue 13), and not a frame of our own
bundle (a frame is a page of its own to start on the page's main thread): a few lines of
JavaScript mounted in the page itself by ``st.components.v2``, whose loader is a 15 kB chunk.

The Clipboard API needs a secure context (https, or the computer's own address) and, in a
frame, the frame's permission. A class on a LAN opens ``http://<instructor's address>:8501``,
which is neither: there the button falls back to the browser's older copy command on the
link, selected in a text field, and says on screen what happened and why, so a student can
always press Ctrl+C on the selected link.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from streamlit.components.v2.types import ComponentRenderer

__all__ = ["COPIED", "COPIED_BY_COMMAND", "INSECURE", "REFUSED", "SELECTED", "copy_link_button"]

#: What the button says after each outcome (the browser tests look for these words).
COPIED: Final = "Copied."
#: After a fallback: copied by the older command, or selected for Ctrl+C; each says why.
COPIED_BY_COMMAND: Final = "Copied with the browser's older copy command"
SELECTED: Final = "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it"
INSECURE: Final = (
    "the Clipboard API works only on secure pages (https, or this computer's own address), "
    "and this page is not one"
)
REFUSED: Final = "the browser refused this page the clipboard"


def _js(text: str) -> str:
    """``text`` as a JavaScript string literal."""
    return json.dumps(text)


_HTML: Final = """\
<div class="classroom-copy-link">
  <button type="button">Copy link</button>
  <input type="text" readonly hidden aria-label="The link to copy">
  <span role="status" aria-live="polite"></span>
</div>
"""

_CSS: Final = """\
.classroom-copy-link button {
  font: inherit; padding: 0.25rem 0.75rem; cursor: pointer; border-radius: 0.5rem;
  border: 1px solid rgba(49, 51, 63, 0.2); background: transparent; color: inherit;
}
.classroom-copy-link button:hover { border-color: currentColor; }
.classroom-copy-link input { display: block; width: 100%; margin: 0.4rem 0; font: inherit; }
.classroom-copy-link input[hidden] { display: none; }
.classroom-copy-link [role="status"] { display: block; font-size: 0.85em; opacity: 0.8; }
"""

# Runs in the page (not a frame) on every rerun with the link of the step on screen. The
# fallback selects the link in a text field and tries the older copy command, which works on
# http in most browsers during a click; if that fails too, the selection is there for Ctrl+C.
_JS: Final = f"""\
export default function ({{ data, parentElement }}) {{
  const button = parentElement.querySelector("button");
  const field = parentElement.querySelector("input");
  const said = parentElement.querySelector("[role=status]");
  const link = String(data.link);
  if (field.value !== link) {{
    // Another step or pointer: what was said about the last link is not true of this one.
    field.value = link;
    field.hidden = true;
    said.textContent = "";
  }}
  const fallBack = (why) => {{
    field.hidden = false;
    field.focus();
    field.select();
    let copied = false;
    try {{
      copied = document.execCommand("copy");
    }} catch {{
      copied = false;
    }}
    said.textContent = `${{copied ? {_js(COPIED_BY_COMMAND)} : {_js(SELECTED)}}} (${{why}}).`;
  }};
  button.onclick = () => {{
    said.textContent = "";
    if (!window.isSecureContext || navigator.clipboard === undefined) {{
      fallBack({_js(INSECURE)});
      return;
    }}
    navigator.clipboard.writeText(link).then(
      () => {{
        field.hidden = true;
        said.textContent = {_js(COPIED)};
      }},
      () => fallBack({_js(REFUSED)}),
    );
  }};
  // Said once the click does something: until this script has run, the button is inert.
  button.dataset.ready = link;
}}
"""


@cache
def _component() -> ComponentRenderer:
    """Registered once per process, as Streamlit asks (a second registration warns)."""
    import streamlit as st

    return st.components.v2.component(
        "classroom.copy_link", html=_HTML, css=_CSS, js=_JS, isolate_styles=False
    )


def copy_link_button(link: str, *, key: str) -> None:
    """A "Copy link" button that puts ``link`` on the clipboard (or selects it, and says why)."""
    _component()(key=key, data={"link": link})
