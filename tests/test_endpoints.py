"""Tests of `EndpointMap` (api name and fn_index lookup) and `Endpoint.bind`.

The configs and API info documents are small hand-written dicts shaped like
what Gradio 3.x to 6.x serve at `config` and `info`, not recordings.
"""

from __future__ import annotations

from typing import Any

import pytest

from gradio_raw import ArgumentError, EndpointNotFound, UsageError
from gradio_raw._config import AppConfig
from gradio_raw._endpoints import Endpoint, EndpointMap, Parameter

URL = "http://127.0.0.1:7860/"


def textbox(component_id: int, label: str) -> dict[str, Any]:
    return {"id": component_id, "type": "textbox", "props": {"label": label}, "skip_api": False}


def dependency(
    fn_index: int | None, api_name: Any, inputs: list[int], **fields: Any
) -> dict[str, Any]:
    """Return a hand-written Gradio 6 dependency, without `id` when `fn_index` is None."""
    entry: dict[str, Any] = {
        "targets": [[9, "click"]],
        "inputs": inputs,
        "outputs": fields.pop("outputs", [3]),
        "backend_fn": True,
        "js": None,
        "queue": True,
        "api_name": api_name,
        "api_visibility": "public",
        "types": {"generator": False, "cancel": False},
    }
    if fn_index is not None:
        entry["id"] = fn_index
    entry.update(fields)
    return entry


def app_config() -> dict[str, Any]:
    """Return a hand-written Gradio 6 config with one endpoint of each kind.

    - fn_index 0: `/echo(text, n)`.
    - fn_index 1: `/chat(message, [State], times)`, a generator with a State output.
    - fn_index 2: `/hidden(text)`, undocumented.
    - fn_index 3: private, with `api_name` "false".
    - fn_index 4: `/js_fn`, frontend-only.
    """
    return {
        "version": "6.31.0",
        "protocol": "sse_v3",
        "api_prefix": "/gradio_api",
        "components": [
            textbox(1, "Input"),
            {"id": 2, "type": "number", "props": {"label": "Times"}, "skip_api": False},
            textbox(3, "Output"),
            {"id": 5, "type": "state", "props": {}, "skip_api": True},
            {"id": 9, "type": "button", "props": {"value": "Run"}, "skip_api": True},
        ],
        "dependencies": [
            dependency(0, "echo", [1, 2]),
            dependency(1, "chat", [1, 5, 2], outputs=[3, 5], types={"generator": True}),
            dependency(2, "hidden", [1], api_visibility="undocumented", queue=None),
            dependency(3, "false", [1], api_visibility="private"),
            dependency(4, "js_fn", [], outputs=[], backend_fn=False, js="() => {}"),
        ],
    }


def info_entry(*parameters: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {
        "parameters": list(parameters),
        "returns": [
            {
                "label": "Output",
                "type": {"type": "string"},
                "python_type": {"type": "str", "description": ""},
                "component": "Textbox",
            }
        ],
        "api_visibility": "public",
        "description": description,
    }


def info_parameter(
    name: str, python_type: str, default: Any = None, *, has_default: bool = False
) -> dict[str, Any]:
    return {
        "label": name.title(),
        "parameter_name": name,
        "parameter_has_default": has_default,
        "parameter_default": default,
        "type": {"type": "string" if python_type == "str" else "number"},
        "python_type": {"type": python_type, "description": ""},
        "component": "Textbox" if python_type == "str" else "Number",
        "example_input": None,
    }


def app_info() -> dict[str, Any]:
    """Return the hand-written API info that matches `app_config`."""
    return {
        "named_endpoints": {
            "/echo": info_entry(
                info_parameter("text", "str"),
                info_parameter("n", "float", 2, has_default=True),
                description="Echo text n times.",
            ),
            "/chat": info_entry(
                info_parameter("message", "str"),
                info_parameter("times", "float", 1, has_default=True),
            ),
            "/hidden": info_entry(info_parameter("text", "str")),
        },
        "unnamed_endpoints": {},
    }


def build_map(config: dict[str, Any], info: dict[str, Any] | None = None) -> EndpointMap:
    endpoints = EndpointMap(AppConfig.model_validate(config), url=URL)
    if info is not None:
        endpoints.attach_info(info)
    return endpoints


def run_app_config() -> dict[str, Any]:
    """Return a hand-written config of an app whose only endpoint is `/run` (five inputs)."""
    labels = ["Prompt", "Negative prompt", "Seed", "Randomize seed", "Guidance scale"]
    return {
        "version": "6.31.0",
        "protocol": "sse_v3",
        "api_prefix": "/gradio_api",
        "components": [
            *(textbox(index + 1, label) for index, label in enumerate(labels)),
            {"id": 6, "type": "gallery", "props": {"label": "Images"}, "skip_api": False},
        ],
        "dependencies": [dependency(0, "run", [1, 2, 3, 4, 5], outputs=[6, 3])],
    }


def run_app_info() -> dict[str, Any]:
    return {
        "named_endpoints": {
            "/run": info_entry(
                info_parameter("prompt", "str"),
                info_parameter("negative_prompt", "str"),
                info_parameter("seed", "float", 0, has_default=True),
                info_parameter("randomize_seed", "bool", True, has_default=True),
                info_parameter("guidance_scale", "float", 7.5, has_default=True),
            )
        },
        "unnamed_endpoints": {},
    }


def unnamed_config(*inputs: list[int]) -> dict[str, Any]:
    """Return a hand-written Gradio 3.x config, without ids and with every `api_name` null."""
    return {
        "version": "3.50.2",
        "components": [textbox(component_id, "text") for component_id in (1, 3, 4, 7)],
        "dependencies": [
            {"targets": [1], "inputs": ids, "outputs": [3], "api_name": None} for ids in inputs
        ],
    }


# Lookup by name and by fn_index.


@pytest.mark.parametrize("name", ["/echo", "echo", " /echo ", "//echo"])
def test_get_name_forms(name: str) -> None:
    assert build_map(app_config()).get(name).fn_index == 0


def test_get_by_fn_index() -> None:
    assert build_map(app_config()).get(1).api_name == "/chat"


def test_endpoint_fields() -> None:
    chat = build_map(app_config()).get("/chat")

    assert chat.fn_index == 1
    assert chat.api_name == "/chat"
    assert chat.name == "/chat"
    assert chat.visibility == "public"
    assert chat.backend is True
    assert chat.generator is True
    assert chat.queue is True
    assert chat.inputs_skipped == (False, True, False)
    assert chat.outputs_skipped == (False, True)
    assert chat.input_components == ("textbox", "state", "number")
    assert chat.output_components == ("textbox", "state")
    assert chat.parameter_count == 2


def test_map_iterates_by_fn_index() -> None:
    endpoints = build_map(app_config())

    assert [endpoint.fn_index for endpoint in endpoints] == [0, 1, 2, 3, 4]
    assert len(endpoints) == 5


def test_undocumented_callable_by_name() -> None:
    hidden = build_map(app_config()).get("/hidden")

    assert hidden.fn_index == 2
    assert hidden.visibility == "undocumented"


def test_show_api_false_undocumented() -> None:
    config = app_config()
    config["dependencies"][0] = dependency(0, "echo", [1, 2], show_api=False)
    del config["dependencies"][0]["api_visibility"]

    echo = build_map(config).get("/echo")

    assert echo.visibility == "undocumented"


def test_private_not_found_by_name() -> None:
    with pytest.raises(EndpointNotFound):
        build_map(app_config()).get("/false")


def test_private_found_by_fn_index() -> None:
    private = build_map(app_config()).get(3)

    assert private.visibility == "private"
    assert private.api_name is None
    assert private.name == "fn_index=3"
    assert private.bind(["x"], {}) == ["x"]


def test_private_api_name_false() -> None:
    # Gradio 5 marks a private event with `api_name: false` and no visibility field.
    config = app_config()
    config["dependencies"][3] = dependency(3, False, [1])
    del config["dependencies"][3]["api_visibility"]
    endpoints = build_map(config)

    private = endpoints.get(3)

    assert private.visibility == "private"
    assert private.api_name is None


def test_private_visibility_hides_real_name() -> None:
    config = app_config()
    config["dependencies"][3]["api_name"] = "secret"

    with pytest.raises(EndpointNotFound):
        build_map(config).get("/secret")


def test_frontend_only_bind_rejected() -> None:
    js_fn = build_map(app_config()).get("/js_fn")

    with pytest.raises(UsageError) as caught:
        js_fn.bind([], {})

    assert not isinstance(caught.value, ArgumentError)
    assert "frontend-only" in str(caught.value)
    assert "/js_fn" in str(caught.value)


def test_dependencies_without_id() -> None:
    # In a config without `id` fields, fn_index is the position in the list.
    config = {
        "version": "4.44.1",
        "protocol": "sse_v3",
        "components": [textbox(0, "text"), textbox(1, "extra"), textbox(2, "output")],
        "dependencies": [
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
        ],
    }
    endpoints = build_map(config)

    predict = endpoints.get("/predict")
    js_fn = endpoints.get("/js_fn")

    assert predict.fn_index == 0
    assert predict.bind(["a", "b"], {}) == ["a", "b"]
    assert js_fn.fn_index == 1
    with pytest.raises(UsageError, match="frontend-only"):
        js_fn.bind([], {})


def test_unnamed_endpoint_by_fn_index() -> None:
    endpoints = build_map(unnamed_config([1], [1, 4]))

    second = endpoints.get(1)

    assert second.api_name is None
    assert second.name == "fn_index=1"
    assert second.visibility == "public"
    assert second.parameter_count == 2


def test_duplicate_names_first_wins() -> None:
    config = app_config()
    config["dependencies"].append(dependency(5, "echo", [1]))

    endpoints = build_map(config)

    assert endpoints.get("/echo").fn_index == 0
    assert endpoints.duplicate_names == ["/echo"]
    assert endpoints.get(5).api_name == "/echo"


def test_state_skipped_by_type() -> None:
    # Before Gradio 4.28 components have no `skip_api`, so State is recognised by type.
    config = unnamed_config([1, 5])
    config["components"].append({"id": 5, "type": "state", "props": {}})

    endpoint = build_map(config).get(0)

    assert endpoint.inputs_skipped == (False, True)


def test_unknown_component_kept() -> None:
    endpoint = build_map(unnamed_config([1, 42])).get(0)

    assert endpoint.inputs_skipped == (False, False)
    assert endpoint.input_components == ("textbox", "unknown")


# Binding arguments.


def test_bind_positional() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    assert echo.bind(["ab", 3], {}) == ["ab", 3]


def test_bind_state_in_middle() -> None:
    chat = build_map(app_config()).get("/chat")

    assert chat.bind(["hi", 3], {}) == ["hi", None, 3]


def test_bind_state_default_filled() -> None:
    chat = build_map(app_config(), app_info()).get("/chat")

    assert chat.bind(["hi"], {}) == ["hi", None, 1]


def test_bind_keywords() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    assert echo.bind([], {"n": 5, "text": "ab"}) == ["ab", 5]


def test_bind_mixed_arguments() -> None:
    chat = build_map(app_config(), app_info()).get("/chat")

    assert chat.bind(["hi"], {"times": 4}) == ["hi", None, 4]


def test_bind_default_filled() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    assert echo.bind(["ab"], {}) == ["ab", 2]


def test_bind_defaults_from_info() -> None:
    run = build_map(run_app_config(), run_app_info()).get("/run")

    assert run.bind(["cat", "blurry"], {"seed": 7}) == ["cat", "blurry", 7, True, 7.5]


def test_bind_before_info_positional() -> None:
    echo = build_map(app_config()).get("/echo")

    assert [parameter.name for parameter in echo.parameters] == ["param_0", "param_1"]
    assert [parameter.label for parameter in echo.parameters] == ["Input", "Times"]
    assert echo.bind([], {"param_1": 3, "param_0": "x"}) == ["x", 3]


def test_bind_before_info_requires_all() -> None:
    echo = build_map(app_config()).get("/echo")

    with pytest.raises(ArgumentError, match="param_1"):
        echo.bind(["x"], {})


def test_bind_unknown_keyword() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    with pytest.raises(ArgumentError) as caught:
        echo.bind(["ab"], {"count": 3})

    assert "'count'" in str(caught.value)
    assert "/echo" in str(caught.value)
    assert "Accepted parameters: text, n." in str(caught.value)


def test_bind_keyword_no_parameters() -> None:
    config = app_config()
    config["dependencies"].append(dependency(5, "ping", []))
    ping = build_map(config).get("/ping")

    with pytest.raises(ArgumentError, match="Accepted parameters: none"):
        ping.bind([], {"text": "x"})


def test_bind_no_parameters() -> None:
    config = app_config()
    config["dependencies"].append(dependency(5, "reset", [5]))

    reset = build_map(config).get("/reset")

    assert reset.bind([], {}) == [None]


def test_bind_missing_required() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    with pytest.raises(ArgumentError) as caught:
        echo.bind([], {"n": 3})

    assert "missing required parameter: text." in str(caught.value)
    assert "(text: str, n: float = 2)" in str(caught.value)


def test_bind_missing_several() -> None:
    run = build_map(run_app_config(), run_app_info()).get("/run")

    with pytest.raises(ArgumentError) as caught:
        run.bind([], {"seed": 1})

    assert "missing required parameters: prompt, negative_prompt." in str(caught.value)


def test_bind_too_many_positional() -> None:
    # Six values meant for another app's `/infer`, sent to `/run` (five inputs).
    run = build_map(run_app_config(), run_app_info()).get(0)

    with pytest.raises(ArgumentError) as caught:
        run.bind(["cat", 0, 256, 256, False, 4], {})

    message = str(caught.value)
    assert "/run" in message
    assert "fn_index=0" in message
    assert "takes 5 values" in message
    assert "6 were given" in message
    assert "prompt: str" in message


def test_bind_too_many_one_parameter() -> None:
    hidden = build_map(app_config(), app_info()).get("/hidden")

    with pytest.raises(ArgumentError, match="takes 1 value "):
        hidden.bind(["a", "b"], {})


def test_bind_too_many_skips_state() -> None:
    # The State slot is not a parameter, so three values are one too many.
    chat = build_map(app_config()).get("/chat")

    with pytest.raises(ArgumentError, match="takes 2 values"):
        chat.bind(["hi", None, 3], {})


def test_bind_duplicate_argument() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    with pytest.raises(ArgumentError) as caught:
        echo.bind(["ab"], {"text": "cd"})

    assert "'text'" in str(caught.value)
    assert "twice" in str(caught.value)


def test_bind_length_matches_inputs() -> None:
    endpoints = build_map(app_config(), app_info())

    for endpoint in endpoints:
        if not endpoint.backend:
            continue
        values = ["x"] * endpoint.parameter_count

        assert len(endpoint.bind(values, {})) == len(endpoint.inputs_skipped)


def test_pinned_fn_index_after_update() -> None:
    # An app update inserts a dependency before the one a caller pinned by
    # fn_index; the arity check catches the call before it is sent.
    version_one = build_map(unnamed_config([1], [1, 4]))
    version_two = build_map(unnamed_config([7], [1], [1, 4]))

    assert version_one.get(1).bind(["a", "b"], {}) == ["a", "b"]
    with pytest.raises(ArgumentError) as caught:
        version_two.get(1).bind(["a", "b"], {})
    assert "fn_index=1" in str(caught.value)
    assert "takes 1 value " in str(caught.value)
    assert "2 were given" in str(caught.value)


# API info.


def test_attach_info_parameters() -> None:
    echo = build_map(app_config(), app_info()).get("/echo")

    assert echo.has_info is True
    assert [parameter.name for parameter in echo.parameters] == ["text", "n"]
    assert echo.parameters[0].python_type == "str"
    assert echo.parameters[0].has_default is False
    assert echo.parameters[1].has_default is True
    assert echo.parameters[1].default == 2
    assert echo.parameters[1].label == "N"
    assert echo.parameters[1].component == "Number"
    assert echo.description == "Echo text n times."
    assert [value.label for value in echo.returns] == ["Output"]
    assert echo.returns[0].python_type == "str"


def test_attach_info_sets_map_flag() -> None:
    endpoints = build_map(app_config())

    endpoints.attach_info({})

    assert endpoints.has_info is True
    assert endpoints.get("/echo").has_info is False


def test_attach_info_name_without_slash() -> None:
    info = app_info()
    info["named_endpoints"] = {"echo": info["named_endpoints"]["/echo"]}

    echo = build_map(app_config(), info).get("/echo")

    assert [parameter.name for parameter in echo.parameters] == ["text", "n"]


def test_attach_info_count_mismatch() -> None:
    # Info with three parameters for an endpoint whose config has two inputs:
    # the config is what the server checks, so positional parameters stay.
    info = app_info()
    info["named_endpoints"]["/echo"]["parameters"].append(info_parameter("extra", "str"))

    endpoints = build_map(app_config(), info)
    echo = endpoints.get("/echo")

    assert echo.has_info is False
    assert [parameter.name for parameter in echo.parameters] == ["param_0", "param_1"]
    assert echo.bind(["ab", 3], {}) == ["ab", 3]
    assert endpoints.get("/chat").has_info is True


def test_attach_info_unnamed_endpoints() -> None:
    config = unnamed_config([1], [1, 4])
    info = {
        "named_endpoints": {},
        "unnamed_endpoints": {
            "0": info_entry(info_parameter("text", "str")),
            "1": info_entry(
                info_parameter("text", "str"),
                info_parameter("times", "float", 3, has_default=True),
            ),
        },
    }

    endpoints = build_map(config, info)

    assert [parameter.name for parameter in endpoints.get(1).parameters] == ["text", "times"]
    assert endpoints.get(1).bind(["x"], {}) == ["x", 3]
    assert endpoints.get(0).has_info is True


def test_attach_info_ignores_bad_entries() -> None:
    info = {
        "named_endpoints": {
            "/echo": {"parameters": "text"},
            "/missing": info_entry(info_parameter("text", "str")),
            "/chat": ["not", "a", "dict"],
        },
        "unnamed_endpoints": {
            "abc": info_entry(info_parameter("text", "str")),
            "42": info_entry(info_parameter("text", "str")),
        },
    }

    endpoints = build_map(app_config(), info)

    assert endpoints.get("/echo").has_info is False
    assert endpoints.get("/chat").has_info is False
    assert endpoints.has_info is True


def test_attach_info_label_as_name() -> None:
    # Before Gradio 4.23 the info has no `parameter_name`, so the label is the name.
    info = app_info()
    for parameter in info["named_endpoints"]["/echo"]["parameters"]:
        del parameter["parameter_name"]

    echo = build_map(app_config(), info).get("/echo")

    assert [parameter.name for parameter in echo.parameters] == ["Text", "N"]


def test_parameter_describe() -> None:
    assert Parameter(name="n", python_type="float", has_default=True, default=2).describe() == (
        "n: float = 2"
    )
    assert Parameter(name="text").describe() == "text"
    assert Parameter(name="x", has_default=True, default=None).describe() == "x = None"


# Not found: listing and suggestions.


def test_not_found_suggests_close_name() -> None:
    endpoints = build_map(app_config(), app_info())

    with pytest.raises(EndpointNotFound) as caught:
        endpoints.get("/ech")

    error = caught.value
    assert error.requested == "/ech"
    assert error.suggestion == "/echo"
    assert "Did you mean /echo?" in str(error)
    assert "'/ech'" in str(error)
    assert URL in str(error)


def test_not_found_lists_endpoints() -> None:
    endpoints = build_map(app_config(), app_info())

    with pytest.raises(EndpointNotFound) as caught:
        endpoints.get("/ech")

    message = str(caught.value)
    assert "/echo  fn_index=0  (text: str, n: float = 2)" in message
    assert "/chat  fn_index=1  (message: str, times: float = 1)" in message
    assert "/hidden  fn_index=2  (text: str) [undocumented]" in message
    private_lines = [line for line in message.splitlines() if "[private]" in line]
    assert len(private_lines) == 1
    assert "fn_index=3" in private_lines[0]
    assert "(param_0)" in private_lines[0]
    assert "js_fn" not in message


def test_not_found_lists_before_info() -> None:
    with pytest.raises(EndpointNotFound) as caught:
        build_map(app_config()).get("/ech")

    assert "/echo  fn_index=0  (param_0, param_1)" in str(caught.value)


def test_single_public_endpoint_suggested() -> None:
    endpoints = build_map(run_app_config(), run_app_info())

    with pytest.raises(EndpointNotFound) as caught:
        endpoints.get("/infer")

    assert caught.value.suggestion == "/run"
    assert "Did you mean /run?" in str(caught.value)
    assert "/run  fn_index=0  (prompt: str, negative_prompt: str, seed: float = 0" in str(
        caught.value
    )


def test_keywords_pick_suggestion() -> None:
    config = app_config()
    config["dependencies"] = [
        dependency(0, "generate_a", [1, 2]),
        dependency(1, "generate_b", [1]),
    ]
    info = {
        "named_endpoints": {
            "/generate_a": info_entry(
                info_parameter("prompt", "str"), info_parameter("seed", "float")
            ),
            "/generate_b": info_entry(info_parameter("text", "str")),
        }
    }
    endpoints = build_map(config, info)

    with pytest.raises(EndpointNotFound) as without_keywords:
        endpoints.get("/generate")
    with pytest.raises(EndpointNotFound) as with_keywords:
        endpoints.get("/generate", keywords=["text"])

    assert without_keywords.value.suggestion == "/generate_a"
    assert with_keywords.value.suggestion == "/generate_b"


def test_keywords_rescue_distant_name() -> None:
    config = app_config()
    config["dependencies"] = [dependency(0, "txt2img", [1, 2]), dependency(1, "upscale", [1])]
    info = {
        "named_endpoints": {
            "/txt2img": info_entry(
                info_parameter("prompt", "str"), info_parameter("seed", "float")
            ),
            "/upscale": info_entry(info_parameter("image", "str")),
        }
    }
    endpoints = build_map(config, info)

    with pytest.raises(EndpointNotFound) as caught:
        endpoints.get("/generate", keywords=["prompt", "seed"])

    assert caught.value.suggestion == "/txt2img"


def test_no_suggestion_for_distant_name() -> None:
    with pytest.raises(EndpointNotFound) as caught:
        build_map(app_config(), app_info()).get("/zzzzzzzz")

    assert caught.value.suggestion is None
    assert "Did you mean" not in str(caught.value)


def test_suggestion_skips_unusable() -> None:
    # Neither the frontend-only `/js_fn` nor a private endpoint is suggested.
    with pytest.raises(EndpointNotFound) as caught:
        build_map(app_config(), app_info()).get("/js_fnn")

    assert caught.value.suggestion is None


def test_unknown_fn_index() -> None:
    endpoints = build_map(app_config(), app_info())

    with pytest.raises(EndpointNotFound) as caught:
        endpoints.get(7)

    assert caught.value.requested == 7
    assert caught.value.suggestion is None
    assert "no endpoint fn_index=7." in str(caught.value)
    assert "/echo  fn_index=0" in str(caught.value)


def test_bool_is_not_fn_index() -> None:
    with pytest.raises(EndpointNotFound):
        build_map(app_config()).get(True)


def test_not_found_is_usage_error() -> None:
    with pytest.raises(UsageError):
        build_map(app_config()).get("/nope")


def test_not_found_no_callable_endpoints() -> None:
    config = app_config()
    config["dependencies"] = [dependency(0, "js_fn", [], outputs=[], backend_fn=False)]

    with pytest.raises(EndpointNotFound) as caught:
        build_map(config).get("/predict")

    assert caught.value.suggestion is None
    assert "(none)" in str(caught.value)


def test_unnamed_endpoint_suggested() -> None:
    # In a Gradio 3 app with one unnamed endpoint, the hint names its fn_index.
    with pytest.raises(EndpointNotFound) as caught:
        build_map(unnamed_config([1])).get("/predict")

    assert caught.value.suggestion == "fn_index=0"


def test_endpoint_is_frozen() -> None:
    echo: Endpoint = build_map(app_config()).get("/echo")

    with pytest.raises(AttributeError):
        echo.fn_index = 5  # type: ignore[misc]
