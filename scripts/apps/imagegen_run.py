"""A stand-in for a text-to-image app that exposes ``/run`` and returns a gallery.

It offers the same job as ``imagegen_infer`` under a different endpoint name,
argument list and output shape, so that code choosing between the two
conventions can be tested. There is deliberately no ``/infer`` endpoint.
"""

from __future__ import annotations

import hashlib
import random

import gradio as gr
import numpy as np

MAX_SEED = 2**31 - 1
IMAGE_SIDE = 64
IMAGES_PER_CALL = 2


def make_image(prompt: str, negative_prompt: str, seed: int, guidance_scale: float) -> np.ndarray:
    # A stable digest rather than hash(): the latter is salted per process.
    digest = hashlib.sha256(f"{prompt}\x00{negative_prompt}".encode()).digest()
    rng = np.random.default_rng([int.from_bytes(digest[:8], "big"), seed])
    base = rng.uniform(0.0, 255.0, size=3)
    ramp = np.linspace(0.0, min(1.0, guidance_scale / 10.0), IMAGE_SIDE)
    image = np.empty((IMAGE_SIDE, IMAGE_SIDE, 3))
    image[...] = base * (1.0 - ramp[None, :, None] / 2.0)
    image += rng.normal(0.0, 10.0, size=image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def run(
    prompt: str,
    negative_prompt: str,
    seed: int,
    randomize_seed: bool,
    guidance_scale: float,
) -> tuple[list[np.ndarray], int]:
    if randomize_seed:
        seed = random.randint(0, MAX_SEED)
    seed = int(seed)
    images = [
        make_image(prompt, negative_prompt, seed + offset, float(guidance_scale))
        for offset in range(IMAGES_PER_CALL)
    ]
    return images, seed


with gr.Blocks(title="imagegen-run") as demo:
    prompt_box = gr.Textbox(label="Prompt")
    negative_box = gr.Textbox(label="Negative prompt")
    seed_slider = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
    randomize_box = gr.Checkbox(label="Randomize seed", value=True)
    guidance_slider = gr.Slider(
        label="Guidance scale", minimum=0.0, maximum=20.0, step=0.5, value=7.5
    )
    run_button = gr.Button("Run")
    gallery = gr.Gallery(label="Images")
    used_seed = gr.Number(label="Seed")

    run_button.click(
        run,
        inputs=[prompt_box, negative_box, seed_slider, randomize_box, guidance_slider],
        outputs=[gallery, used_seed],
        api_name="run",
    )
