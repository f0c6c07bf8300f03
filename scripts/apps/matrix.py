"""The app of the version matrix: the same endpoints on every Gradio from 3.50 to 6.x.

It runs unchanged on each release in ``scripts/matrix/versions.py``, so it uses
only what all of them share. These are Blocks, Textbox, Number, Image, File,
State and Button, ``click(..., api_name=...)`` and ``queue=False``.
``gr.Error`` gets a message only, because ``title=`` is 5.x+.
``demo.queue()`` takes no arguments, because 3.x names the concurrency options
differently, and 3.x serves its websocket protocol only with the queue on.
Tests and the fixture recorder refer to the endpoints by ``api_name``.
"""

from __future__ import annotations

import string
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np

GEN_DELAY_SECONDS = 0.01


def echo(text: str, n: float) -> str:
    return text * int(n)


def gen(count: float) -> Iterator[str]:
    # Each value grows by one letter, which the 4.17+ servers send as a diff.
    letters = ""
    for index in range(int(count)):
        letters += string.ascii_lowercase[index % len(string.ascii_lowercase)]
        time.sleep(GEN_DELAY_SECONDS)
        yield letters


def fail(text: str) -> str:
    raise gr.Error("custom failure")


def image(size: float) -> np.ndarray:
    side = max(1, int(size))
    ramp = np.linspace(0, 255, side, dtype=np.float64)
    picture = np.zeros((side, side, 3), dtype=np.uint8)
    picture[..., 0] = ramp[None, :]
    picture[..., 1] = ramp[:, None]
    picture[..., 2] = 128
    return picture


def file_len(value: Any) -> int:
    # 3.x passes a temporary file object whose name is the path, and 4.x and
    # later pass the path itself.
    if value is None:
        return 0
    if isinstance(value, bytes):
        return len(value)
    path = value if isinstance(value, str) else value.name
    return Path(path).stat().st_size


def counter(text: str, count: int) -> tuple[str, int]:
    count += 1
    return f"{text}:{count}", count


def noq(text: str) -> str:
    return f"noq:{text}"


with gr.Blocks(title="matrix") as demo:
    echo_text = gr.Textbox(label="text")
    echo_n = gr.Number(label="n", value=2)
    echo_out = gr.Textbox(label="echoed")
    gr.Button("Echo").click(echo, [echo_text, echo_n], echo_out, api_name="echo")

    gen_count = gr.Number(label="count", value=5)
    gen_out = gr.Textbox(label="letters")
    gr.Button("Generate").click(gen, gen_count, gen_out, api_name="gen")

    fail_in = gr.Textbox(label="text")
    fail_out = gr.Textbox(label="never set")
    gr.Button("Fail").click(fail, fail_in, fail_out, api_name="fail")

    image_size = gr.Number(label="size", value=8)
    image_out = gr.Image(label="image")
    gr.Button("Draw").click(image, image_size, image_out, api_name="image")

    file_in = gr.File(label="file")
    file_size = gr.Number(label="bytes")
    gr.Button("Measure").click(file_len, file_in, file_size, api_name="file_len")

    counter_text = gr.Textbox(label="text")
    counter_state = gr.State(0)
    counter_out = gr.Textbox(label="count")
    gr.Button("Count").click(
        counter,
        [counter_text, counter_state],
        [counter_out, counter_state],
        api_name="counter",
    )

    noq_in = gr.Textbox(label="text")
    noq_out = gr.Textbox(label="result")
    gr.Button("No queue").click(noq, noq_in, noq_out, api_name="noq", queue=False)

demo.queue()
