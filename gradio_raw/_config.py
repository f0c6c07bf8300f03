"""The app's config (`GET <root>/config`) as typed models, and what follows from it.

The models accept every field that Gradio 3.x to 6.x send or omit: only what the
client needs is declared, and unknown fields are ignored.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from ._exceptions import ConfigError, UnsupportedProtocol, json_type_name, shorten

__all__ = [
    "MULTIPLEXED_PROTOCOLS",
    "SUPPORTED_PROTOCOLS",
    "AppConfig",
    "Component",
    "Dependency",
    "parse_config",
]

# The protocols this client speaks. Gradio 4.22 and later announce `sse_v3`; the
# older values differ on the wire (see the README's protocol table).
SUPPORTED_PROTOCOLS: tuple[str, ...] = ("sse_v3", "sse_v2.1", "sse_v2", "sse_v1", "sse", "ws")

# Protocols whose jobs share one data stream per session.
MULTIPLEXED_PROTOCOLS = frozenset({"sse_v1", "sse_v2", "sse_v2.1", "sse_v3"})

# Before Gradio 4.28 components had no `skip_api` flag; these types were left
# out of the API by name.
_SKIPPED_TYPES = frozenset(
    {
        "state",
        "row",
        "column",
        "tabs",
        "tab",
        "tabitem",
        "box",
        "form",
        "accordion",
        "group",
        "interpretation",
        "dataset",
        "sidebar",
    }
)


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Component(_Tolerant):
    """One block of the app's page (a textbox, an image, a State, a row ...)."""

    id: int
    type: str = "unknown"
    props: dict[str, Any] = Field(default_factory=dict)
    skip_api: bool | None = None
    # The JSON schema of the component's value (Gradio 4+); as an input it can
    # differ from the output schema, so the input one is preferred.
    api_info: Any = None
    api_info_as_input: Any = None
    api_info_as_output: Any = None

    @property
    def skipped(self) -> bool:
        """Whether the API hides this component (State, buttons, layout blocks)."""
        if self.skip_api is not None:
            return self.skip_api
        return self.type.lower() in _SKIPPED_TYPES

    @property
    def label(self) -> str | None:
        label = self.props.get("label")
        return label if isinstance(label, str) else None


class _Types(_Tolerant):
    generator: bool = False
    cancel: bool = False


class Dependency(_Tolerant):
    """One event listener of the app; the unit a client calls by `fn_index`."""

    id: int | None = None
    inputs: list[int] = Field(default_factory=list)
    outputs: list[int] = Field(default_factory=list)
    # Gradio 3.x and 4.0-4.11 send null for an unnamed event and false for a
    # disabled one; Gradio 6 sends the string "false" for private events.
    api_name: str | bool | None = None
    backend_fn: bool = True
    queue: bool | None = None
    show_api: bool | None = None
    # "public", "undocumented" or "private" in Gradio 6; kept as a string so
    # that a value added by a later release does not reject the whole config.
    api_visibility: str | None = None
    types: _Types = Field(default_factory=_Types)
    js: str | bool | None = None


class AppConfig(_Tolerant):
    """The parts of the config the client relies on."""

    version: str | None = None
    protocol: str = "ws"
    api_prefix: str = ""
    root: str | None = None
    mode: str | None = None
    enable_queue: bool | None = None
    connect_heartbeat: bool = False
    max_file_size: int | None = None
    space_id: str | None = None
    app_id: int | None = None
    components: list[Component] = Field(default_factory=list)
    dependencies: list[Dependency] = Field(default_factory=list)

    _by_id: dict[int, Component] | None = PrivateAttr(default=None)

    @property
    def prefix_path(self) -> str:
        """The API prefix as a relative path with a trailing slash, or ``""``."""
        prefix = self.api_prefix.strip("/")
        return f"{prefix}/" if prefix else ""

    @property
    def diffs(self) -> bool:
        """Whether generator updates after the first arrive as diffs."""
        return self.protocol in ("sse_v2", "sse_v2.1", "sse_v3")

    @property
    def version_tuple(self) -> tuple[int, ...]:
        """The Gradio version as numbers, (0,) when unknown; pre-release tags are dropped."""
        numbers = []
        for part in (self.version or "").split(".")[:3]:
            digits = "".join(character for character in part if character.isdigit())
            if not digits:
                break
            numbers.append(int(digits))
        return tuple(numbers) or (0,)

    @property
    def file_marker(self) -> bool:
        """Whether output files carry the `gradio.FileData` marker (Gradio 4.21 and later)."""
        return self.protocol in ("sse_v2.1", "sse_v3")

    @property
    def has_cancel_route(self) -> bool:
        """Whether `POST <prefix>cancel` exists (Gradio 4.31 and later)."""
        return self.version_tuple >= (4, 31)

    def component(self, component_id: int) -> Component | None:
        if self._by_id is None:
            self._by_id = {component.id: component for component in self.components}
        return self._by_id.get(component_id)


def _supported() -> str:
    return f"{', '.join(repr(name) for name in SUPPORTED_PROTOCOLS)} (Gradio 3.x to 6.x)"


def parse_config(body: bytes | str, *, url: str) -> AppConfig:
    """Parse and check a config body fetched from `url`.

    Raises `ConfigError` when the body is not a JSON config and
    `UnsupportedProtocol` when the app announces a protocol this client cannot
    speak.
    """
    try:
        document = json.loads(body)
    except ValueError:
        raise ConfigError(
            f"The config at {url} is not JSON; expected a Gradio config object.",
            raw=body,
        ) from None

    if not isinstance(document, dict):
        raise ConfigError(
            f"The config at {url} is a JSON {json_type_name(document)}; expected a JSON object.",
            raw=body,
        )

    if "allow_flagging" in document and "dependencies" not in document:
        raise UnsupportedProtocol(
            f"The app at {url} runs Gradio 2.x, which has no API that clients can call; "
            f"this client supports {_supported()}.",
            protocol="gradio2",
            version=document.get("version"),
            raw=body,
        )

    if "dependencies" not in document:
        raise ConfigError(
            f"The config at {url} has no 'dependencies' field; "
            f"received keys: {', '.join(sorted(document)[:20]) or 'none'}.",
            raw=body,
        )

    try:
        config = AppConfig.model_validate(document)
    except ValidationError as exc:
        raise ConfigError(
            f"The config at {url} is malformed: {shorten(str(exc), 500)}", raw=body
        ) from None

    if config.protocol not in SUPPORTED_PROTOCOLS:
        raise UnsupportedProtocol(
            f"The app at {url} (Gradio {config.version or 'unknown version'}) speaks the "
            f"'{config.protocol}' protocol; this client supports {_supported()}.",
            protocol=config.protocol,
            version=config.version,
            raw=body,
        )
    return config
