"""Tests of `parse_config` and the `AppConfig` models.

The configs are small hand-written dicts shaped like what Gradio 2.x to 6.x
serve at `GET <app>/config`, not recordings.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from gradio_raw import (
    SUPPORTED_PROTOCOLS,
    ConfigError,
    ConnectError,
    UnsupportedProtocol,
)
from gradio_raw._config import AppConfig, Component, Dependency, parse_config
from gradio_raw._exceptions import RAW_LIMIT

URL = "http://127.0.0.1:7860/config"


def gradio6_config(**changes: Any) -> dict[str, Any]:
    """Return a minimal hand-written Gradio 6 config with one endpoint, `/echo`."""
    config: dict[str, Any] = {
        "version": "6.31.0",
        "mode": "blocks",
        "protocol": "sse_v3",
        "api_prefix": "/gradio_api",
        "root": "http://127.0.0.1:7860",
        "connect_heartbeat": False,
        "max_file_size": None,
        "space_id": None,
        "app_id": 3662013591756096177,
        "theme": "default",
        "components": [
            {"id": 1, "type": "textbox", "props": {"label": "Input"}, "skip_api": False},
            {"id": 2, "type": "state", "props": {}, "skip_api": True},
            {"id": 3, "type": "textbox", "props": {"label": "Output"}, "skip_api": False},
            {"id": 4, "type": "button", "props": {"value": "Run"}, "skip_api": True},
        ],
        "dependencies": [
            {
                "id": 0,
                "targets": [[4, "click"]],
                "inputs": [1, 2],
                "outputs": [3, 2],
                "backend_fn": True,
                "js": None,
                "queue": True,
                "api_name": "echo",
                "api_visibility": "public",
                "types": {"generator": False, "cancel": False},
                "connection": "sse",
            }
        ],
    }
    config.update(changes)
    return config


def gradio4_config() -> dict[str, Any]:
    """Return a minimal hand-written Gradio 4 config, with `show_api` and no `api_prefix`."""
    return {
        "version": "4.44.1",
        "mode": "blocks",
        "protocol": "sse_v3",
        "root": "http://127.0.0.1:7860",
        "components": [
            {"id": 1, "type": "textbox", "props": {"label": "text"}},
            {"id": 2, "type": "textbox", "props": {"label": "output"}},
            {"id": 3, "type": "button", "props": {"value": "Run"}},
        ],
        "dependencies": [
            {
                "id": 0,
                "targets": [[3, "click"]],
                "inputs": [1],
                "outputs": [2],
                "backend_fn": True,
                "js": None,
                "queue": None,
                "api_name": "predict",
                "show_api": True,
                "types": {"generator": False, "cancel": False},
                "zerogpu": False,
            }
        ],
    }


def gradio3_config() -> dict[str, Any]:
    """Return a hand-written Gradio 3.x config, which has no `protocol` field."""
    return {
        "version": "3.50.2",
        "mode": "blocks",
        "enable_queue": True,
        "show_api": True,
        "components": [{"id": 1, "type": "textbox", "props": {"label": "text"}}],
        "dependencies": [
            {"targets": [1], "trigger": "submit", "inputs": [1], "outputs": [1], "api_name": None}
        ],
    }


def gradio2_config() -> dict[str, Any]:
    """Return a hand-written Gradio 2.x config, with `allow_flagging` and no `dependencies`."""
    return {
        "mode": None,
        "fn": "predict",
        "input_components": [{"name": "textbox", "label": "text"}],
        "output_components": [{"name": "textbox", "label": "output"}],
        "allow_flagging": "manual",
        "title": "Old app",
    }


def parse(document: Any) -> AppConfig:
    return parse_config(json.dumps(document), url=URL)


# Valid configs.


def test_gradio6_config_fields() -> None:
    config = parse(gradio6_config())

    assert config.version == "6.31.0"
    assert config.protocol == "sse_v3"
    assert config.api_prefix == "/gradio_api"
    assert config.prefix_path == "gradio_api/"
    assert config.root == "http://127.0.0.1:7860"
    assert config.app_id == 3662013591756096177
    assert config.diffs is True


def test_gradio6_config_dependency() -> None:
    dependency = parse(gradio6_config()).dependencies[0]

    assert dependency.id == 0
    assert dependency.inputs == [1, 2]
    assert dependency.outputs == [3, 2]
    assert dependency.api_name == "echo"
    assert dependency.api_visibility == "public"
    assert dependency.backend_fn is True
    assert dependency.queue is True
    assert dependency.types.generator is False


def test_gradio6_config_components() -> None:
    config = parse(gradio6_config())

    textbox = config.component(1)
    state = config.component(2)

    assert textbox is not None
    assert textbox.type == "textbox"
    assert textbox.label == "Input"
    assert textbox.skipped is False
    assert state is not None
    assert state.skipped is True


def test_component_unknown_id() -> None:
    assert parse(gradio6_config()).component(99) is None


def test_config_bytes_body() -> None:
    body = json.dumps(gradio6_config()).encode()

    assert parse_config(body, url=URL).version == "6.31.0"


def test_config_unknown_fields_ignored() -> None:
    document = gradio6_config(pages=[["", "Home"]], footer_links=["api"], future_field={"a": 1})
    document["dependencies"][0]["future_flag"] = True
    document["components"][0]["future_prop"] = [1, 2]

    config = parse(document)

    assert len(config.dependencies) == 1
    assert config.component(1) is not None


def test_gradio4_config_no_prefix() -> None:
    config = parse(gradio4_config())

    assert config.api_prefix == ""
    assert config.prefix_path == ""


def test_gradio4_config_show_api() -> None:
    dependency = parse(gradio4_config()).dependencies[0]

    assert dependency.show_api is True
    assert dependency.api_visibility is None
    assert dependency.queue is None


@pytest.mark.parametrize(
    ("api_prefix", "expected"),
    [("/gradio_api", "gradio_api/"), ("gradio_api/", "gradio_api/"), ("/", ""), ("", "")],
)
def test_prefix_path_forms(api_prefix: str, expected: str) -> None:
    assert parse(gradio6_config(api_prefix=api_prefix)).prefix_path == expected


def test_dependencies_without_id() -> None:
    document = gradio4_config()
    document["dependencies"] = [
        {
            "targets": [[10, "click"], [0, "submit"]],
            "inputs": [0, 1],
            "outputs": [2],
            "backend_fn": True,
            "js": None,
            "queue": None,
            "api_name": "predict",
            "show_api": True,
            "types": {"generator": False},
            "zerogpu": True,
        },
        {
            "targets": [[11, "click"]],
            "inputs": [],
            "outputs": [],
            "backend_fn": False,
            "js": "() => {}",
            "api_name": "js_fn",
            "show_api": False,
        },
    ]

    config = parse(document)

    assert [dependency.id for dependency in config.dependencies] == [None, None]
    assert config.dependencies[1].backend_fn is False
    assert config.dependencies[1].js == "() => {}"


def test_dependency_defaults() -> None:
    dependency = Dependency.model_validate({})

    assert dependency.id is None
    assert dependency.inputs == []
    assert dependency.outputs == []
    assert dependency.api_name is None
    assert dependency.backend_fn is True
    assert dependency.types.generator is False


@pytest.mark.parametrize(
    "api_name",
    [None, False, "false", "predict"],
    ids=["null (3.x)", "false (5.x)", "string false (6.x)", "name"],
)
def test_dependency_api_name_forms(api_name: Any) -> None:
    document = gradio6_config()
    document["dependencies"][0]["api_name"] = api_name

    assert parse(document).dependencies[0].api_name == api_name


@pytest.mark.parametrize(
    ("component", "skipped"),
    [
        ({"id": 1, "type": "state"}, True),
        ({"id": 1, "type": "State"}, True),
        ({"id": 1, "type": "row"}, True),
        ({"id": 1, "type": "textbox"}, False),
        ({"id": 1, "type": "state", "skip_api": False}, False),
        ({"id": 1, "type": "button", "skip_api": True}, True),
        ({"id": 1, "type": "textbox", "skip_api": None}, False),
        ({"id": 1}, False),
    ],
    ids=[
        "state by type",
        "capitalised type",
        "layout by type",
        "textbox by type",
        "flag beats type",
        "flag on button",
        "null flag",
        "no type",
    ],
)
def test_component_skipped(component: dict[str, Any], skipped: bool) -> None:
    assert Component.model_validate(component).skipped is skipped


def test_component_label_not_string() -> None:
    component = Component.model_validate({"id": 1, "type": "slider", "props": {"label": 5}})

    assert component.label is None


@pytest.mark.parametrize(
    ("protocol", "diffs"),
    [("sse_v1", False), ("sse_v2", True), ("sse_v2.1", True), ("sse_v3", True), ("ws", False)],
)
def test_config_diffs_by_protocol(protocol: str, diffs: bool) -> None:
    config = AppConfig.model_validate({"protocol": protocol, "dependencies": []})

    assert config.diffs is diffs


def test_supported_protocols() -> None:
    assert "sse_v3" in SUPPORTED_PROTOCOLS


# Unsupported apps.


def test_gradio3_config_means_ws() -> None:
    config = parse(gradio3_config())

    assert config.protocol == "ws"
    assert config.version_tuple == (3, 50, 2)


@pytest.mark.parametrize("protocol", ["sse", "sse_v1", "sse_v2", "sse_v2.1", "sse_v3", "ws"])
def test_every_generation_supported(protocol: str) -> None:
    assert parse(gradio6_config(protocol=protocol)).protocol == protocol


@pytest.mark.parametrize("protocol", ["sse_v9", "grpc"])
def test_other_protocol_rejected(protocol: str) -> None:
    with pytest.raises(UnsupportedProtocol) as caught:
        parse(gradio6_config(protocol=protocol))

    assert caught.value.protocol == protocol
    assert f"'{protocol}'" in str(caught.value)
    assert URL in str(caught.value)
    for name in SUPPORTED_PROTOCOLS:
        assert repr(name) in str(caught.value)


def test_protocol_error_unknown_version() -> None:
    document = gradio6_config(protocol="sse_v9")
    del document["version"]

    with pytest.raises(UnsupportedProtocol) as caught:
        parse(document)

    assert caught.value.version is None
    assert "unknown version" in str(caught.value)


def test_gradio2_config_rejected() -> None:
    with pytest.raises(UnsupportedProtocol) as caught:
        parse(gradio2_config())

    assert caught.value.protocol == "gradio2"
    assert "Gradio 2" in str(caught.value)
    assert URL in str(caught.value)


def test_unsupported_is_connect_error() -> None:
    with pytest.raises(ConnectError):
        parse(gradio6_config(protocol="sse_v9"))


@pytest.mark.parametrize(
    "document",
    [gradio6_config(protocol="sse_v9"), gradio2_config()],
    ids=["unknown protocol", "gradio2"],
)
def test_unsupported_keeps_raw(document: dict[str, Any]) -> None:
    body = json.dumps(document)

    with pytest.raises(UnsupportedProtocol) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body


def test_gradio2_message_names_supported() -> None:
    with pytest.raises(UnsupportedProtocol) as caught:
        parse(gradio2_config())

    assert "sse_v3" in str(caught.value)


# Bodies that are not a config.


def test_html_body_rejected() -> None:
    body = "<!doctype html><html><body>Sign in</body></html>"

    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body
    assert "not JSON" in str(caught.value)
    assert "expected a Gradio config" in str(caught.value)
    assert URL in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"\xff\xfe not utf-8", b'{"dependencies": [', b"Too Many Requests"],
    ids=["empty", "blank", "invalid utf-8", "truncated", "plain text"],
)
def test_non_json_body_rejected(body: bytes) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body.decode("utf-8", errors="replace")


def test_json_list_rejected() -> None:
    body = json.dumps([gradio6_config()])

    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body
    assert "JSON array" in str(caught.value)
    assert "expected a JSON object" in str(caught.value)


@pytest.mark.parametrize("body", ['"config"', "42", "null", "true"])
def test_json_scalar_rejected(body: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body
    assert "expected a JSON object" in str(caught.value)


def test_missing_dependencies_rejected() -> None:
    body = json.dumps({"detail": "Not Found"})

    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body
    assert "'dependencies'" in str(caught.value)
    assert "received keys: detail" in str(caught.value)


def test_empty_object_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("{}", url=URL)

    assert "received keys: none" in str(caught.value)


@pytest.mark.parametrize(
    "dependencies",
    [{"0": {}}, "predict", None, [{"inputs": "1"}], [{"types": []}]],
    ids=["dict", "string", "null", "inputs string", "types list"],
)
def test_malformed_dependencies_rejected(dependencies: Any) -> None:
    body = json.dumps(gradio6_config(dependencies=dependencies))

    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    assert caught.value.raw == body
    assert "malformed" in str(caught.value)


def test_component_without_id_rejected() -> None:
    document = gradio6_config()
    document["components"].append({"type": "textbox"})

    with pytest.raises(ConfigError):
        parse(document)


def test_config_error_is_connect_error() -> None:
    with pytest.raises(ConnectError):
        parse_config("not json", url=URL)


def test_large_body_raw_shortened() -> None:
    body = "<html>" + "x" * (RAW_LIMIT * 5)

    with pytest.raises(ConfigError) as caught:
        parse_config(body, url=URL)

    raw = caught.value.raw
    assert raw is not None
    assert raw.startswith(body[:RAW_LIMIT])
    assert len(raw) < RAW_LIMIT + 100
    assert "more characters" in raw
