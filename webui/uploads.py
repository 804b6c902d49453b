"""File uploaders whose own words follow the reader's language.

Streamlit draws the uploader's button ("Upload") and its line under it ("200MB per file • JPG,
PNG") in English only. For a reader in another language a style scoped to this one uploader
hides those words and shows ours in their place; the widget itself is Streamlit's, unchanged.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from catdog.settings import limits
from webui.text import language, t

_BUTTON = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
_LINE = "[data-testid='stFileUploaderDropzoneInstructions'] span"


def file_uploader(label: str, types: list[str], key: str | None = None, **options):
    """`st.file_uploader` for files of `types`, up to the server's upload size, in the reader's words."""
    megabytes = limits().max_upload_mb
    if language() == "en":
        return st.file_uploader(label, type=types, key=key, max_upload_size=megabytes, **options)
    # As Streamlit lists the types: upper case, "jpeg" folded into "jpg".
    shown = ", ".join(dict.fromkeys(kind.upper() for kind in types if kind != "jpeg"))
    # A container's key becomes a CSS class; a hash keeps it to the characters a class may hold
    # (an upload key can carry a class name a student typed).
    scope = f"uploader-{hashlib.sha1(str(key or label).encode()).hexdigest()[:12]}"
    with st.container(key=scope):
        st.html(f"<style>{_style(f'.st-key-{scope}', t('upload.button'), t('upload.limit', mb=megabytes, types=shown))}"
                "</style>")
        return st.file_uploader(label, type=types, key=key, max_upload_size=megabytes, **options)


def _style(scope: str, button: str, line: str) -> str:
    """CSS that draws `button` and `line` in place of Streamlit's own words, inside `scope`."""
    quoted = lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (f"{scope} {_BUTTON}, {scope} {_LINE} {{font-size: 0;}}"
            f"{scope} {_BUTTON}::after {{content: {quoted(button)}; font-size: 0.875rem;}}"
            f"{scope} {_LINE}::after {{content: {quoted(line)}; font-size: 0.875rem;}}")
