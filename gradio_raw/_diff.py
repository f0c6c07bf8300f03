"""Apply the output diffs that generator updates carry (protocols sse_v2 and later).

After the first full value, each update of one output is a list of operations
`[action, path, value]`: `replace`, `append`, `add` or `delete`, where `path` is
a list of dict keys and list indices from the output's root. Values are never
changed in place: the containers along the path are copied, so a value handed
to a caller earlier stays as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._exceptions import DiffError

__all__ = ["apply_diff"]


def apply_diff(value: Any, operations: Any) -> Any:
    """Return `value` with the server's `operations` applied in order.

    Raises `DiffError` when an operation is malformed or its path does not
    exist in the value.
    """
    if not isinstance(operations, list):
        raise DiffError(
            f"Expected a list of diff operations, received {type(operations).__name__}: "
            f"{operations!r:.200}"
        )
    for operation in operations:
        if not isinstance(operation, list) or len(operation) != 3:
            raise DiffError(
                f"Expected a diff operation [action, path, value], received {operation!r:.200}"
            )
        action, path, payload = operation
        if not isinstance(path, list):
            raise DiffError(f"Expected a list as the path of {operation!r:.200}")
        try:
            value = _apply(value, action, path, payload)
        except DiffError:
            raise
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise DiffError(
                f"Diff operation {action!r} at path {path!r} does not apply to the "
                f"previous output ({type(exc).__name__}: {exc})"
            ) from None
    return value


def _apply(value: Any, action: Any, path: Sequence[Any], payload: Any) -> Any:
    if not path:
        return _apply_at_root(value, action, payload)

    key = path[0]
    container = _copy_container(value, key)

    if len(path) == 1 and action in ("add", "delete"):
        _add_or_delete(container, action, key, payload)
        return container

    container[key] = _apply(container[key], action, path[1:], payload)
    return container


def _apply_at_root(value: Any, action: Any, payload: Any) -> Any:
    if action == "replace":
        return payload
    if action == "append":
        if value is None:
            return payload
        if isinstance(value, str) and isinstance(payload, str):
            return value + payload
        if isinstance(value, list) and isinstance(payload, list):
            return value + payload
        raise DiffError(f"Cannot append a {type(payload).__name__} to a {type(value).__name__}")
    raise DiffError(f"Diff action {action!r} is not valid on the whole value")


def _copy_container(value: Any, key: Any) -> Any:
    if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
        return list(value)
    if isinstance(value, dict) and isinstance(key, str):
        return dict(value)
    raise DiffError(
        f"Diff path step {key!r} does not fit a {type(value).__name__} in the previous output"
    )


def _add_or_delete(container: Any, action: str, key: Any, payload: Any) -> None:
    if isinstance(container, dict):
        if action == "add":
            container[key] = payload
        else:
            del container[key]
        return

    if action == "add":
        if not 0 <= key <= len(container):
            raise DiffError(f"Diff adds at index {key}, but the list has {len(container)} items")
        container.insert(key, payload)
        return

    # The server only deletes trailing list items, all in one update. Before
    # Gradio 5.29.1 it numbered them as in the original list ([2], [3], [4]);
    # later it repeats the index of the shrinking list ([2], [2], [2]).
    # Removing the last item is right for both.
    if not container:
        raise DiffError(f"Diff deletes index {key}, but the list is empty")
    container.pop()
