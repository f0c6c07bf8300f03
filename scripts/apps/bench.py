"""The app the benchmark (`scripts/bench`) measures clients against.

Both endpoints do as little work as possible, so that the benchmark measures
the protocol and the clients, not the app:

- `/echo(text)` returns its input unchanged;
- `/gen(count)` yields `count` updates of a growing text, one letter more each
  time and no sleep between them, so every update after the first reaches the
  client as a one-letter `append` diff. The final text has `count` letters.
"""

from __future__ import annotations

import string
from collections.abc import AsyncIterator

import gradio as gr

LETTERS = string.ascii_lowercase


# Both functions are coroutines so that they run on the server's event loop:
# a plain function would take one of the server's worker threads (40 by
# default), which would cap how many of 1,000 calls can run at once.


async def echo(text: str) -> str:
    return text


async def gen(count: float) -> AsyncIterator[str]:
    text = ""
    for index in range(int(count)):
        text += LETTERS[index % len(LETTERS)]
        yield text


with gr.Blocks(title="bench") as demo:
    echo_in = gr.Textbox(label="text")
    echo_out = gr.Textbox(label="echoed")
    gr.Button("Echo").click(echo, echo_in, echo_out, api_name="echo")

    gen_count = gr.Number(label="count", value=10)
    gen_out = gr.Textbox(label="text")
    gr.Button("Generate").click(gen, gen_count, gen_out, api_name="gen")

# No cap on concurrent runs of one event and no cap on the queue's size, so a
# burst of 1,000 calls is admitted at once instead of waiting or being refused.
demo.queue(default_concurrency_limit=None, max_size=None)
