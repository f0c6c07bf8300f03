"""An app whose queue has room for a single waiting job, so that joins get rejected.

With one worker and one waiting slot, a third join that arrives while two slow
jobs are in the system is rejected with HTTP 503.
"""

from __future__ import annotations

import time

import gradio as gr


def slow(seconds: float) -> str:
    time.sleep(float(seconds))
    return "slept"


with gr.Blocks(title="queue-limited") as demo:
    seconds_box = gr.Number(label="seconds", value=5)
    result_box = gr.Textbox(label="result")
    gr.Button("Sleep").click(slow, inputs=seconds_box, outputs=result_box, api_name="slow")

demo.queue(max_size=1, default_concurrency_limit=1)
