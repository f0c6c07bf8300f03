"""Endpoints: the map from api names to `fn_index`, and binding a call's arguments.

The config lists which dependencies exist and which of their inputs the API
hides; the API info (`GET <prefix>info`) adds parameter names, defaults and
types. Binding turns `(*args, **kwargs)` into the exact `data` list the server
expects, and rejects a call that does not fit before anything is sent.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ._config import AppConfig, Component, Dependency
from ._exceptions import ArgumentError, EndpointNotFound, UsageError
from ._files import is_file_schema

__all__ = ["Endpoint", "EndpointMap", "Parameter", "ReturnValue"]

Visibility = Literal["public", "undocumented", "private"]

# Chatbot and JSON components describe their type in hundreds of characters;
# listings cut it so that each endpoint stays on one readable line.
_TYPE_DISPLAY_LIMIT = 40


def _shorten(text: str) -> str:
    if len(text) <= _TYPE_DISPLAY_LIMIT:
        return text
    return text[: _TYPE_DISPLAY_LIMIT - 3] + "..."


@dataclass(frozen=True)
class Parameter:
    """One input of an endpoint that a caller supplies."""

    name: str
    label: str | None = None
    component: str | None = None
    python_type: str | None = None
    has_default: bool = False
    default: Any = None
    schema: Any = None

    def describe(self) -> str:
        """Format the parameter as in a signature, with long types and defaults shortened."""
        text = self.name
        if self.python_type:
            text += f": {_shorten(self.python_type)}"
        if self.has_default:
            text += f" = {_shorten(repr(self.default))}"
        return text


@dataclass(frozen=True)
class ReturnValue:
    """One output of an endpoint that reaches the caller."""

    label: str | None = None
    component: str | None = None
    python_type: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """A callable event of the app.

    `inputs_skipped[i]` is true when input `i` (in the order of the
    dependency's `inputs`) is hidden from the API, such as a State. The caller
    never supplies such an input, so the client sends null in its place.
    `outputs_skipped` does the same for outputs, which are dropped from results.
    """

    fn_index: int
    api_name: str | None
    visibility: Visibility
    backend: bool
    generator: bool
    queue: bool | None
    inputs_skipped: tuple[bool, ...]
    outputs_skipped: tuple[bool, ...]
    input_components: tuple[str, ...]
    output_components: tuple[str, ...]
    parameters: tuple[Parameter, ...] = ()
    returns: tuple[ReturnValue, ...] = ()
    description: str | None = None
    has_info: bool = False
    input_labels: tuple[str | None, ...] = field(default=(), repr=False)
    # Per input, whether its schema describes a file (so a string given there
    # is a local path or URL to send as a file).
    inputs_file: tuple[bool, ...] = field(default=(), repr=False)
    outputs_file: tuple[bool, ...] = field(default=(), repr=False)

    @property
    def name(self) -> str:
        """The api name with its leading slash, or `fn_index=N` for an unnamed one."""
        return self.api_name or f"fn_index={self.fn_index}"

    @property
    def title(self) -> str:
        """The name and the `fn_index`, as error messages show the endpoint."""
        if self.api_name:
            return f"{self.api_name} (fn_index={self.fn_index})"
        return f"fn_index={self.fn_index} (unnamed)"

    @property
    def parameter_count(self) -> int:
        return self.inputs_skipped.count(False)

    def signature(self) -> str:
        return f"({', '.join(parameter.describe() for parameter in self.parameters)})"

    def bind(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> list[Any]:
        """Place `args` and `kwargs` on the endpoint's inputs.

        Returns one value per input of the dependency, with null for hidden
        inputs and defaults filled in. Raises `ArgumentError` for too many or
        too few values, unknown or duplicate keywords, and a missing required
        parameter.
        """
        if not self.backend:
            raise UsageError(
                f"Endpoint {self.name} is a frontend-only function: it runs JavaScript "
                "in the browser and has nothing a client can call."
            )

        count = self.parameter_count
        if len(args) > count:
            raise ArgumentError(
                f"Endpoint {self.title} takes {count} "
                f"value{'s' if count != 1 else ''} {self.signature()}, but {len(args)} "
                "were given. The server would silently drop the extra values, so the "
                "call was not sent; check that this is the endpoint you meant."
            )

        values = self._place(args, kwargs)

        data: list[Any] = []
        visible = iter(values)
        for skipped in self.inputs_skipped:
            data.append(None if skipped else next(visible))
        return data

    def _place(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> list[Any]:
        parameters = self.parameters
        names = [parameter.name for parameter in parameters]
        slots: list[Any] = list(args)
        filled = [True] * len(args) + [False] * (len(parameters) - len(args))
        slots.extend([None] * (len(parameters) - len(args)))

        for key, value in kwargs.items():
            if key not in names:
                accepted = ", ".join(names) or "none"
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else ""
                raise ArgumentError(
                    f"Endpoint {self.name} has no parameter '{key}'.{hint} "
                    f"Accepted parameters: {accepted}."
                )
            position = names.index(key)
            if filled[position]:
                raise ArgumentError(
                    f"Endpoint {self.name} received parameter '{key}' twice "
                    "(by position and by keyword)."
                )
            slots[position] = value
            filled[position] = True

        missing = []
        for position, parameter in enumerate(parameters):
            if filled[position]:
                continue
            if parameter.has_default:
                slots[position] = parameter.default
            else:
                missing.append(parameter.name)

        if missing:
            raise ArgumentError(
                f"Endpoint {self.name} is missing required parameter"
                f"{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
                f"Signature: {self.signature()}."
            )
        return slots


_VISIBILITIES: dict[str, Visibility] = {
    "public": "public",
    "undocumented": "undocumented",
    "private": "private",
}


def _visibility(dependency: Dependency) -> Visibility:
    if dependency.api_visibility is not None:
        # An unknown value comes from a later Gradio release: callable, but
        # not advertised.
        return _VISIBILITIES.get(dependency.api_visibility, "undocumented")
    if dependency.api_name is False:
        return "private"
    if dependency.show_api is False:
        return "undocumented"
    return "public"


def _api_name(dependency: Dependency, visibility: Visibility) -> str | None:
    name = dependency.api_name
    # Gradio 6 turns `api_name=False` into the string "false" on private
    # events; it is not a name anyone can call.
    if not isinstance(name, str) or not name or visibility == "private":
        return None
    return "/" + name.lstrip("/")


# Components that hold files, for Gradio 3 configs, which describe values
# without a JSON schema.
_FILE_COMPONENTS = frozenset(
    {"file", "image", "audio", "video", "gallery", "model3d", "uploadbutton", "annotatedimage"}
)


def _holds_files(component: Component | None, *, as_input: bool) -> bool:
    """Return whether the component's values are (or contain) files."""
    if component is None:
        return False
    schema = component.api_info_as_input if as_input else component.api_info_as_output
    schema = schema or component.api_info
    if schema is not None and is_file_schema(schema):
        return True
    # Gradio 3 describes values as {"info": ..., "serialized_info": ...}, or
    # not at all; there the component type decides.
    legacy = schema is None or (isinstance(schema, dict) and "serialized_info" in schema)
    return legacy and component.type.lower() in _FILE_COMPONENTS


def _endpoint_from_config(config: AppConfig, position: int, dependency: Dependency) -> Endpoint:
    fn_index = dependency.id if dependency.id is not None else position
    visibility = _visibility(dependency)

    input_components = [config.component(component_id) for component_id in dependency.inputs]
    output_components = [config.component(component_id) for component_id in dependency.outputs]
    inputs_skipped = tuple(bool(c and c.skipped) for c in input_components)
    outputs_skipped = tuple(bool(c and c.skipped) for c in output_components)

    labels = tuple(
        c.label if c else None
        for c, skipped in zip(input_components, inputs_skipped, strict=True)
        if not skipped
    )
    # Until the API info arrives, parameters are positional with generated
    # names; `attach_info` replaces them with the app's real names.
    parameters = tuple(
        Parameter(name=f"param_{index}", label=label) for index, label in enumerate(labels)
    )
    return Endpoint(
        fn_index=fn_index,
        api_name=_api_name(dependency, visibility),
        visibility=visibility,
        backend=dependency.backend_fn,
        generator=dependency.types.generator,
        queue=dependency.queue,
        inputs_skipped=inputs_skipped,
        outputs_skipped=outputs_skipped,
        input_components=tuple(c.type if c else "unknown" for c in input_components),
        output_components=tuple(c.type if c else "unknown" for c in output_components),
        parameters=parameters,
        input_labels=labels,
        inputs_file=tuple(_holds_files(c, as_input=True) for c in input_components),
        outputs_file=tuple(_holds_files(c, as_input=False) for c in output_components),
    )


def _parameter_from_info(entry: Mapping[str, Any], index: int) -> Parameter:
    python_type = entry.get("python_type")
    return Parameter(
        name=str(entry.get("parameter_name") or entry.get("label") or f"param_{index}"),
        label=entry.get("label"),
        component=entry.get("component"),
        python_type=python_type.get("type") if isinstance(python_type, dict) else None,
        has_default=bool(entry.get("parameter_has_default", False)),
        default=entry.get("parameter_default"),
        schema=entry.get("type"),
    )


def _return_from_info(entry: Mapping[str, Any]) -> ReturnValue:
    python_type = entry.get("python_type")
    return ReturnValue(
        label=entry.get("label"),
        component=entry.get("component"),
        python_type=python_type.get("type") if isinstance(python_type, dict) else None,
    )


class EndpointMap:
    """All endpoints of one app, by api name and by `fn_index`."""

    def __init__(self, config: AppConfig, *, url: str) -> None:
        self.url = url
        self._by_index: dict[int, Endpoint] = {}
        self._by_name: dict[str, int] = {}
        self.duplicate_names: list[str] = []
        self.has_info = False

        for position, dependency in enumerate(config.dependencies):
            endpoint = _endpoint_from_config(config, position, dependency)
            self._by_index[endpoint.fn_index] = endpoint
            if endpoint.api_name is None:
                continue
            if endpoint.api_name in self._by_name:
                # Gradio deduplicates names itself; a clash means a config
                # written by hand or a proxy. The first one keeps the name.
                self.duplicate_names.append(endpoint.api_name)
                continue
            self._by_name[endpoint.api_name] = endpoint.fn_index

    def __iter__(self) -> Iterator[Endpoint]:
        return iter(sorted(self._by_index.values(), key=lambda e: e.fn_index))

    def __len__(self) -> int:
        return len(self._by_index)

    def attach_info(self, info: Mapping[str, Any]) -> None:
        """Add parameter names, defaults and types from the API info document."""
        named = info.get("named_endpoints")
        unnamed = info.get("unnamed_endpoints")
        entries: dict[int, Mapping[str, Any]] = {}
        if isinstance(named, Mapping):
            for name, entry in named.items():
                fn_index = self._by_name.get("/" + str(name).lstrip("/"))
                if fn_index is not None and isinstance(entry, Mapping):
                    entries[fn_index] = entry
        if isinstance(unnamed, Mapping):
            for key, entry in unnamed.items():
                if str(key).isdigit() and isinstance(entry, Mapping):
                    entries.setdefault(int(key), entry)

        for fn_index, entry in entries.items():
            endpoint = self._by_index.get(fn_index)
            raw_parameters = entry.get("parameters")
            if endpoint is None or not isinstance(raw_parameters, list):
                continue
            if len(raw_parameters) != endpoint.parameter_count:
                # The info disagrees with the config; the config is what the
                # server checks, so keep the positional parameters.
                continue
            raw_returns = entry.get("returns")
            self._by_index[fn_index] = replace(
                endpoint,
                parameters=tuple(_parameter_from_info(p, i) for i, p in enumerate(raw_parameters)),
                returns=tuple(_return_from_info(r) for r in raw_returns if isinstance(r, Mapping))
                if isinstance(raw_returns, list)
                else (),
                description=entry.get("description") or None,
                has_info=True,
            )
        self.has_info = True

    def get(self, endpoint: str | int, *, keywords: Sequence[str] = ()) -> Endpoint:
        """Find an endpoint by api name (`/name` or `name`) or by `fn_index`.

        Raises `EndpointNotFound` with the list of existing endpoints and the
        closest match; `keywords` (the names the caller passed) help pick it.
        """
        if isinstance(endpoint, int) and not isinstance(endpoint, bool):
            found = self._by_index.get(endpoint)
            if found is not None:
                return found
            raise self._not_found(endpoint, keywords)

        name = "/" + str(endpoint).strip().lstrip("/")
        fn_index = self._by_name.get(name)
        if fn_index is not None:
            return self._by_index[fn_index]
        raise self._not_found(name, keywords)

    def suggest(self, requested: str | int, keywords: Sequence[str] = ()) -> Endpoint | None:
        """Pick the endpoint the caller most likely meant, or None.

        A close name (or shared keyword names) wins. Failing that, an app with a
        single public endpoint suggests that one, because it is the app's job
        under another name.
        """
        candidates = [e for e in self if e.backend and e.visibility != "private"]
        if isinstance(requested, int) or not candidates:
            return None

        def score(endpoint: Endpoint) -> float:
            name = endpoint.api_name or ""
            ratio = difflib.SequenceMatcher(None, str(requested), name).ratio()
            if keywords:
                names = {p.name for p in endpoint.parameters}
                ratio += sum(k in names for k in keywords) / len(keywords)
            return ratio

        best = max(candidates, key=score)
        if score(best) >= 0.6:
            return best
        public = [e for e in candidates if e.visibility == "public"]
        return public[0] if len(public) == 1 else None

    def describe(self) -> str:
        """List every callable endpoint, one per line."""
        lines = []
        for endpoint in self:
            if not endpoint.backend:
                continue
            note = "" if endpoint.visibility == "public" else f" [{endpoint.visibility}]"
            name = endpoint.api_name or "(unnamed)"
            lines.append(f"  {name}  fn_index={endpoint.fn_index}  {endpoint.signature()}{note}")
        return "\n".join(lines) or "  (none)"

    def _not_found(self, requested: str | int, keywords: Sequence[str]) -> EndpointNotFound:
        what = f"fn_index={requested}" if isinstance(requested, int) else f"'{requested}'"
        suggestion = self.suggest(requested, keywords)
        hint = f" Did you mean {suggestion.name}?" if suggestion else ""
        return EndpointNotFound(
            f"The app at {self.url} has no endpoint {what}.{hint} "
            f"Available endpoints:\n{self.describe()}",
            requested=requested,
            suggestion=suggestion.name if suggestion else None,
        )
