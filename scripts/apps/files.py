"""A Gradio app whose endpoints take and return files, for upload and download tests.

Endpoints (by api_name):

- ``upper_file``: a text file in, a new text file with the text upper-cased out.
- ``file_len``: a file in, its size in bytes out.
- ``files_total``: several files in (``file_count="multiple"``), their total size out.
- ``gallery_info``: a gallery of images in, one line per image out (``WIDTHxHEIGHT``).
- ``make_file``: a size in MiB in, a file of that many bytes out, written in
  chunks so that the server never keeps it in memory whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
from PIL import Image

CHUNK = 1024 * 1024
OUTPUT_DIR = Path(tempfile.mkdtemp(prefix="gradio-raw-files-app-"))


def upper_file(path: str) -> str:
    source = Path(path)
    target = OUTPUT_DIR / f"upper-{source.name}"
    target.write_text(source.read_text(encoding="utf-8").upper(), encoding="utf-8")
    return str(target)


def file_len(path: str | None) -> int:
    return 0 if path is None else Path(path).stat().st_size


def files_total(paths: list[str] | None) -> int:
    return sum(Path(path).stat().st_size for path in paths or [])


def gallery_info(items: list[Any] | None) -> str:
    lines = []
    for item in items or []:
        # Gallery inputs arrive as (path, caption) pairs in Gradio 5 and 6.
        path = item[0] if isinstance(item, (list, tuple)) else item
        with Image.open(path) as image:
            lines.append(f"{image.width}x{image.height}")
    return "\n".join(lines)


def make_file(size_mib: float) -> str:
    size = int(size_mib * CHUNK)
    target = OUTPUT_DIR / f"blob-{size}.bin"
    if not target.exists():
        block = os.urandom(CHUNK)
        with target.open("wb") as output:
            remaining = size
            while remaining > 0:
                output.write(block[: min(CHUNK, remaining)])
                remaining -= CHUNK
    return str(target)


with gr.Blocks(title="files") as demo:
    text_in = gr.File(label="text file", type="filepath")
    text_out = gr.File(label="upper-cased file")
    gr.Button("Upper").click(upper_file, text_in, text_out, api_name="upper_file")

    any_in = gr.File(label="file", type="filepath")
    size_out = gr.Number(label="bytes")
    gr.Button("Size").click(file_len, any_in, size_out, api_name="file_len")

    many_in = gr.File(label="files", file_count="multiple", type="filepath")
    total_out = gr.Number(label="total bytes")
    gr.Button("Total").click(files_total, many_in, total_out, api_name="files_total")

    gallery_in = gr.Gallery(label="images", type="filepath")
    sizes_out = gr.Textbox(label="sizes")
    gr.Button("Describe").click(gallery_info, gallery_in, sizes_out, api_name="gallery_info")

    size_in = gr.Number(label="MiB", value=1)
    blob_out = gr.File(label="blob")
    gr.Button("Make").click(make_file, size_in, blob_out, api_name="make_file")

demo.queue(default_concurrency_limit=None)
