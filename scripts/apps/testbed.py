"""One Gradio app with an endpoint for each protocol behaviour the client must handle.

Every endpoint is small and fast unless its purpose is to be slow. Tests and the
fixture recorder refer to endpoints by ``api_name``, so renaming one here means
updating both.
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
CHAT_WORD_DELAY_SECONDS = 0.01
PROGRESS_STEP_SECONDS = 0.05

ChatHistory = list[dict[str, Any]]


def echo(text: str, n: float) -> str:
    """Repeat a piece of text.

    Args:
        text: the text to repeat.
        n: how many copies to return, joined without a separator.

    Returns:
        The text repeated int(n) times.
    """
    return text * int(n)


def upper(text: str) -> str:
    return text.upper()


def gen(count: float) -> Iterator[str]:
    # Each yield grows by one letter so consecutive outputs differ by an append,
    # which is what the server encodes as a diff.
    letters = ""
    for index in range(int(count)):
        letters += string.ascii_lowercase[index % len(string.ascii_lowercase)]
        time.sleep(GEN_DELAY_SECONDS)
        yield letters


def chat(message: str, history: ChatHistory | None) -> Iterator[ChatHistory]:
    conversation: ChatHistory = [*(history or []), {"role": "user", "content": message}]
    reply_words = f"You said: {message}".split()
    for count in range(1, len(reply_words) + 1):
        time.sleep(CHAT_WORD_DELAY_SECONDS)
        partial = " ".join(reply_words[:count])
        yield [*conversation, {"role": "assistant", "content": partial}]


def image(size: float) -> np.ndarray:
    side = max(1, int(size))
    ramp = np.linspace(0, 255, side, dtype=np.float64)
    picture = np.zeros((side, side, 3), dtype=np.uint8)
    picture[..., 0] = ramp[None, :]
    picture[..., 1] = ramp[:, None]
    picture[..., 2] = 128
    return picture


def fail(text: str) -> str:
    raise gr.Error("custom failure", title="Oops")


def fail_plain(text: str) -> str:
    # Launched with show_error=False, so the client receives a null message.
    raise ValueError("plain failure")


def prog(
    steps: float,
    progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio reads the default
) -> str:
    total = max(1, int(steps))
    gr.Info("starting")
    for step in range(total):
        progress((step, total), desc="working")
        time.sleep(PROGRESS_STEP_SECONDS)
    gr.Warning("done warn")
    return f"did {total} steps"


def counter(text: str, count: int) -> tuple[str, int]:
    count += 1
    return f"{text}:{count}", count


def slow(seconds: float) -> str:
    time.sleep(float(seconds))
    return "slept"


def hidden(text: str) -> str:
    return f"hidden:{text}"


def noq(text: str) -> str:
    return f"noq:{text}"


def file_len(path: str | None) -> int:
    if path is None:
        return 0
    return Path(path).stat().st_size


with gr.Blocks(title="testbed") as demo:
    with gr.Tab("echo"):
        echo_text = gr.Textbox(label="text")
        echo_n = gr.Number(label="n", value=2)
        echo_out = gr.Textbox(label="echoed")
        gr.Button("Echo").click(echo, [echo_text, echo_n], echo_out, api_name="echo")

    with gr.Tab("upper"):
        upper_in = gr.Textbox(label="text")
        upper_out = gr.Textbox(label="upper")
        gr.Button("Upper").click(upper, upper_in, upper_out, api_name="upper")

    with gr.Tab("gen"):
        gen_count = gr.Number(label="count", value=5)
        gen_out = gr.Textbox(label="letters")
        gr.Button("Generate").click(gen, gen_count, gen_out, api_name="gen")

    with gr.Tab("chat"):
        chat_message = gr.Textbox(label="message")
        chat_history = gr.Chatbot(label="history")
        gr.Button("Send").click(chat, [chat_message, chat_history], chat_history, api_name="chat")

    with gr.Tab("image"):
        image_size = gr.Number(label="size", value=32)
        image_out = gr.Image(label="image")
        gr.Button("Draw").click(image, image_size, image_out, api_name="image")

    with gr.Tab("fail"):
        fail_in = gr.Textbox(label="text")
        fail_out = gr.Textbox(label="never set")
        gr.Button("Fail").click(fail, fail_in, fail_out, api_name="fail")
        gr.Button("Fail plainly").click(fail_plain, fail_in, fail_out, api_name="fail_plain")

    with gr.Tab("prog"):
        prog_steps = gr.Number(label="steps", value=3)
        prog_out = gr.Textbox(label="result")
        gr.Button("Progress").click(prog, prog_steps, prog_out, api_name="prog")

    with gr.Tab("counter"):
        counter_text = gr.Textbox(label="text")
        counter_state = gr.State(0)
        counter_out = gr.Textbox(label="count")
        gr.Button("Count").click(
            counter,
            [counter_text, counter_state],
            [counter_out, counter_state],
            api_name="counter",
        )

    with gr.Tab("slow"):
        slow_seconds = gr.Number(label="seconds", value=5)
        slow_out = gr.Textbox(label="result")
        gr.Button("Sleep").click(slow, slow_seconds, slow_out, api_name="slow")

    with gr.Tab("hidden"):
        hidden_in = gr.Textbox(label="text")
        hidden_out = gr.Textbox(label="result")
        gr.Button("Hidden").click(
            hidden, hidden_in, hidden_out, api_name="hidden", api_visibility="undocumented"
        )

    with gr.Tab("noq"):
        noq_in = gr.Textbox(label="text")
        noq_out = gr.Textbox(label="result")
        gr.Button("No queue").click(noq, noq_in, noq_out, api_name="noq", queue=False)

    with gr.Tab("frontend"):
        # An event with no Python function: it exists in the config but has no
        # backend, which a client must skip when listing endpoints.
        gr.Button("Frontend only").click(None, js="() => {}")

    with gr.Tab("file"):
        file_in = gr.File(label="file", type="filepath")
        file_size = gr.Number(label="bytes")
        gr.Button("Measure").click(file_len, file_in, file_size, api_name="file_len")

# No size cap and no per-event concurrency cap, so a burst of parallel /upper
# calls is admitted and run at once rather than queued or refused.
demo.queue(default_concurrency_limit=None, max_size=None)
