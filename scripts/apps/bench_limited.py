"""The benchmark's app as a typical Space runs: two calls at a time, 10 ms each.

`/echo(text)` returns its input after 10 ms; at most two calls run at once,
so a burst waits in the app's queue. That is where a client that sends every
call at once makes the server send a queue estimate to every waiting call
each time the queue moves. Run the benchmark on it with
`scripts/bench --app limited`.
"""

from __future__ import annotations

import asyncio

import gradio as gr


async def echo(text: str) -> str:
    await asyncio.sleep(0.01)
    return text


with gr.Blocks(title="bench-limited") as demo:
    echo_in = gr.Textbox(label="text")
    echo_out = gr.Textbox(label="echoed")
    gr.Button("Echo").click(echo, echo_in, echo_out, api_name="echo")

demo.queue(default_concurrency_limit=2, max_size=None)
