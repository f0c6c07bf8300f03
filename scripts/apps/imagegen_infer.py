"""A stand-in for a text-to-image app that exposes a single ``/infer`` endpoint.

The signature, defaults and outputs follow the shape that many hosted
image-generation demos use, so a client can be exercised against it without a
model. The picture is computed from the prompt and the seed alone, which keeps
results reproducible across runs and machines.
"""

from __future__ import annotations

import hashlib
import random
import time

import gradio as gr
import numpy as np

MAX_SEED = 2**31 - 1
STEP_DELAY_SECONDS = 0.02


def prompt_digest(prompt: str) -> int:
    # Python's str hash is salted per process, so a stable digest is needed to
    # keep the image identical between server restarts.
    return int.from_bytes(hashlib.sha256(prompt.encode("utf-8")).digest()[:8], "big")


def synthesize(prompt: str, seed: int, width: int, height: int) -> np.ndarray:
    """Return a ``height x width x 3`` uint8 picture determined by prompt and seed."""
    rng = np.random.default_rng([prompt_digest(prompt), seed])
    corner_colours = rng.uniform(0.0, 255.0, size=(4, 3))
    ys = np.linspace(0.0, 1.0, height)[:, None, None]
    xs = np.linspace(0.0, 1.0, width)[None, :, None]
    top = corner_colours[0] * (1 - xs) + corner_colours[1] * xs
    bottom = corner_colours[2] * (1 - xs) + corner_colours[3] * xs
    gradient = top * (1 - ys) + bottom * ys
    noise = rng.normal(0.0, 12.0, size=(height, width, 3))
    return np.clip(gradient + noise, 0, 255).astype(np.uint8)


def infer(
    prompt: str,
    seed: int,
    width: int,
    height: int,
    randomize_seed: bool,
    num_inference_steps: int,
    progress: gr.Progress = gr.Progress(),  # noqa: B008 - Gradio reads the default
) -> tuple[np.ndarray, int]:
    if randomize_seed:
        seed = random.randint(0, MAX_SEED)
    seed = int(seed)
    steps = max(1, int(num_inference_steps))
    for step in range(steps):
        progress((step, steps), desc="denoising")
        time.sleep(STEP_DELAY_SECONDS)
    image = synthesize(prompt, seed, int(width), int(height))
    return image, seed


with gr.Blocks(title="imagegen-infer") as demo:
    prompt_box = gr.Textbox(label="Prompt")
    seed_slider = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
    randomize_box = gr.Checkbox(label="Randomize seed", value=True)
    width_slider = gr.Slider(label="Width", minimum=64, maximum=1024, step=64, value=256)
    height_slider = gr.Slider(label="Height", minimum=64, maximum=1024, step=64, value=256)
    steps_slider = gr.Slider(
        label="Number of inference steps", minimum=1, maximum=50, step=1, value=4
    )
    run_button = gr.Button("Run")
    result_image = gr.Image(label="Result", type="numpy")
    used_seed = gr.Number(label="Seed")

    run_button.click(
        infer,
        inputs=[
            prompt_box,
            seed_slider,
            width_slider,
            height_slider,
            randomize_box,
            steps_slider,
        ],
        outputs=[result_image, used_seed],
        api_name="infer",
    )
