"""A Gradio app behind a username and password, for login tests.

The credentials are fixed test values: user ``alice``, password ``secret``.
`scripts/serve_app.py` passes ``LAUNCH_OPTIONS`` on to ``launch()``.
"""

from __future__ import annotations

import gradio as gr

LAUNCH_OPTIONS = {
    "auth": ("alice", "secret"),
    "auth_message": "Log in as the test user.",
}


def whoami(text: str, request: gr.Request) -> str:
    return f"{request.username}:{text}"


with gr.Blocks(title="login") as demo:
    text_in = gr.Textbox(label="text")
    text_out = gr.Textbox(label="result")
    gr.Button("Who am I").click(whoami, text_in, text_out, api_name="whoami")

demo.queue()
