"""Tests of `apply_diff`, which applies the output diffs of generator updates.

From protocol `sse_v2` on, every `process_generating` message after the first
carries, for each output, a list of `[action, path, value]` operations against
the previous full value. All values below are small hand-written inputs in that
format, not recordings.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradio_raw import DiffError, ProtocolError
from gradio_raw._diff import apply_diff

# Root actions.


def test_replace_root() -> None:
    assert apply_diff("old", [["replace", [], 5]]) == 5


def test_replace_root_with_container() -> None:
    assert apply_diff(3, [["replace", [], {"a": [1]}]]) == {"a": [1]}


def test_append_root_string() -> None:
    assert apply_diff("ab", [["append", [], "c"]]) == "abc"


def test_append_root_list() -> None:
    assert apply_diff([1, 2], [["append", [], [3]]]) == [1, 2, 3]


def test_append_root_to_none() -> None:
    assert apply_diff(None, [["append", [], "start"]]) == "start"


def test_empty_diff_keeps_value() -> None:
    value = {"a": [1, 2]}

    assert apply_diff(value, []) == {"a": [1, 2]}


def test_operations_apply_in_order() -> None:
    operations = [["replace", [], "x"], ["append", [], "y"], ["append", [], "z"]]

    assert apply_diff(None, operations) == "xyz"


# Dict paths.


def test_replace_dict_key() -> None:
    assert apply_diff({"a": 1, "b": 2}, [["replace", ["a"], 10]]) == {"a": 10, "b": 2}


def test_add_dict_key() -> None:
    assert apply_diff({"a": 1}, [["add", ["b"], [2]]]) == {"a": 1, "b": [2]}


def test_delete_dict_key() -> None:
    assert apply_diff({"a": 1, "b": 2}, [["delete", ["a"], None]]) == {"b": 2}


def test_append_dict_string() -> None:
    assert apply_diff({"text": "Hel"}, [["append", ["text"], "lo"]]) == {"text": "Hello"}


def test_nested_dict_actions() -> None:
    value = {"outer": {"inner": {"keep": 1, "drop": 2, "text": "a"}}}
    operations = [
        ["delete", ["outer", "inner", "drop"], None],
        ["add", ["outer", "inner", "new"], True],
        ["append", ["outer", "inner", "text"], "b"],
        ["replace", ["outer", "inner", "keep"], None],
    ]

    result = apply_diff(value, operations)

    assert result == {"outer": {"inner": {"keep": None, "new": True, "text": "ab"}}}


# List paths.


def test_replace_list_item() -> None:
    assert apply_diff([1, 2, 3], [["replace", [1], "two"]]) == [1, "two", 3]


def test_add_list_item_at_end() -> None:
    assert apply_diff(["a"], [["add", [1], "b"]]) == ["a", "b"]


def test_add_list_item_inserts() -> None:
    assert apply_diff(["a", "c"], [["add", [1], "b"]]) == ["a", "b", "c"]


def test_add_to_empty_list() -> None:
    assert apply_diff([], [["add", [0], {"x": 1}]]) == [{"x": 1}]


def test_delete_last_list_item() -> None:
    assert apply_diff([1, 2, 3], [["delete", [2], None]]) == [1, 2]


def test_append_list_string() -> None:
    assert apply_diff(["Hi", "He"], [["append", [1], "llo"]]) == ["Hi", "Hello"]


def test_append_nested_list() -> None:
    assert apply_diff({"rows": [[1]]}, [["append", ["rows", 0], [2]]]) == {"rows": [[1, 2]]}


def test_mixed_nested_path() -> None:
    value = [{"items": [{"name": "a"}, {"name": "b"}]}]

    result = apply_diff(value, [["replace", [0, "items", 1, "name"], "c"]])

    assert result == [{"items": [{"name": "a"}, {"name": "c"}]}]


def test_add_list_inside_dict() -> None:
    value = {"items": [1]}

    result = apply_diff(value, [["add", ["items", 1], 2], ["add", ["items", 2], 3]])

    assert result == {"items": [1, 2, 3]}


# Sequences the server sends for common outputs.


def test_string_growth_sequence() -> None:
    # A generator that yields "a", "ab", "abc" sends one full value, then
    # one append per update.
    first = "a"
    second = apply_diff(first, [["append", [], "b"]])
    third = apply_diff(second, [["append", [], "c"]])

    assert second == "ab"
    assert third == "abc"


def test_chatbot_message_growth() -> None:
    messages = [
        {
            "role": "user",
            "metadata": None,
            "content": [{"text": "hello", "type": "text"}],
            "options": None,
        },
        {
            "role": "assistant",
            "metadata": None,
            "content": [{"text": "Hi", "type": "text"}],
            "options": None,
        },
    ]

    result = apply_diff(messages, [["append", [1, "content", 0, "text"], " there"]])

    assert result[1]["content"][0]["text"] == "Hi there"
    assert result[0] == messages[0]
    assert result[1]["role"] == "assistant"


def test_chatbot_pair_growth() -> None:
    # A tuple-style chatbot: a reply grows, then a new pair is added.
    history = [["Hi", ""]]

    step_one = apply_diff(history, [["append", [0, 1], "Hel"]])
    step_two = apply_diff(step_one, [["append", [0, 1], "lo"], ["add", [1], ["Bye", None]]])

    assert step_one == [["Hi", "Hel"]]
    assert step_two == [["Hi", "Hello"], ["Bye", None]]


# List deletions. Before Gradio 5.29.1 the server numbered the deleted
# trailing items as in the original list. Later versions repeat the index of
# the shrinking list. Both forms must give the same result.

ORIGINAL_INDICES = [["delete", [2], None], ["delete", [3], None], ["delete", [4], None]]
REPEATED_INDEX = [["delete", [2], None], ["delete", [2], None], ["delete", [2], None]]


@pytest.mark.parametrize(
    "operations", [ORIGINAL_INDICES, REPEATED_INDEX], ids=["original", "repeated"]
)
def test_list_delete_conventions(operations: list[Any]) -> None:
    assert apply_diff(["a", "b", "c", "d", "e"], operations) == ["a", "b"]


@pytest.mark.parametrize("style", ["original", "repeated"])
def test_nested_list_delete_conventions(style: str) -> None:
    value = {"gallery": [1, 2, 3, 4], "caption": "x"}
    indices = [1, 2, 3] if style == "original" else [1, 1, 1]
    operations = [["delete", ["gallery", index], None] for index in indices]

    assert apply_diff(value, operations) == {"gallery": [1], "caption": "x"}


def test_list_delete_then_recursion() -> None:
    # The server recurses into common items first, then deletes the surplus.
    value = [["x"], "keep", "gone", "gone too"]
    operations = [
        ["append", [0], ["y"]],
        ["delete", [2], None],
        ["delete", [3], None],
    ]

    assert apply_diff(value, operations) == [["x", "y"], "keep"]


# Earlier values are never changed.


def test_earlier_values_unchanged() -> None:
    first = {"history": [["Hi", ""]], "meta": {"count": 0}, "tags": ["a", "b", "c"]}
    first_copy = copy.deepcopy(first)

    second = apply_diff(
        first,
        [
            ["append", ["history", 0, 1], "Hel"],
            ["replace", ["meta", "count"], 1],
            ["delete", ["tags", 2], None],
        ],
    )
    second_copy = copy.deepcopy(second)

    third = apply_diff(
        second,
        [
            ["append", ["history", 0, 1], "lo"],
            ["add", ["history", 1], ["Bye", None]],
            ["add", ["meta", "done"], True],
            ["delete", ["meta", "count"], None],
        ],
    )

    assert first == first_copy
    assert second == second_copy
    assert third == {
        "history": [["Hi", "Hello"], ["Bye", None]],
        "meta": {"done": True},
        "tags": ["a", "b"],
    }


def test_inner_containers_unchanged() -> None:
    inner = ["Hi", ""]
    first = [inner]

    apply_diff(first, [["append", [0, 1], "Hel"], ["add", [0, 2], "extra"]])

    assert inner == ["Hi", ""]
    assert first[0] is inner


def test_added_value_not_aliased() -> None:
    # A value inserted by `add` is later changed through a path, and the
    # earlier result that contains it must not see the change.
    payload = {"text": "a"}
    first = apply_diff([], [["add", [0], payload]])

    second = apply_diff(first, [["append", [0, "text"], "b"]])

    assert first == [{"text": "a"}]
    assert payload == {"text": "a"}
    assert second == [{"text": "ab"}]


def test_failed_diff_leaves_value() -> None:
    value = {"a": "x", "b": [1]}
    value_copy = copy.deepcopy(value)
    operations = [["append", ["a"], "y"], ["replace", ["b", 9], 0]]

    with pytest.raises(DiffError):
        apply_diff(value, operations)

    assert value == value_copy


# Errors: malformed operations, paths that do not exist, wrong types. Each
# must raise DiffError, never KeyError, IndexError or TypeError.

BAD_DIFFS: dict[str, tuple[Any, Any]] = {
    "operations not a list": ("x", {"action": "append"}),
    "operations are None": ("x", None),
    "operations are a string": ("x", "append"),
    "operation not a list": ("x", ["append"]),
    "operation is a dict": ("x", [{"action": "append", "path": [], "value": "y"}]),
    "operation too short": ("x", [["append", []]]),
    "operation too long": ("x", [["append", [], "y", "z"]]),
    "path not a list": ({"a": 1}, [["replace", "a", 2]]),
    "path is None": ("x", [["replace", None, 2]]),
    "unknown action at root": ("x", [["merge", [], "y"]]),
    "unknown action nested": ({"a": "x"}, [["merge", ["a"], "y"]]),
    "action is not a string": ("x", [[None, [], "y"]]),
    "add at root": ([1], [["add", [], 2]]),
    "delete at root": ([1], [["delete", [], None]]),
    "replace missing key": ({"a": 1}, [["replace", ["b"], 2]]),
    "append missing key": ({"a": "x"}, [["append", ["b"], "y"]]),
    "delete missing key": ({"a": 1}, [["delete", ["b"], None]]),
    "path below missing key": ({"a": {}}, [["replace", ["a", "b", "c"], 1]]),
    "replace index out of range": ([1, 2], [["replace", [5], 0]]),
    "append index out of range": ([["Hi", ""]], [["append", [5, 1], "x"]]),
    "add index past end": ([1, 2], [["add", [5], 3]]),
    "add negative index": ([1, 2], [["add", [-1], 3]]),
    "delete from empty list": ([], [["delete", [0], None]]),
    "string key on list": ([1, 2], [["replace", ["a"], 0]]),
    "integer key on dict": ({"0": 1}, [["replace", [0], 2]]),
    "boolean index": ([1, 2], [["replace", [True], 0]]),
    "float index": ([1, 2], [["replace", [0.0], 0]]),
    "list as key": ({"a": 1}, [["replace", [["a"]], 0]]),
    "None as key": ({"a": 1}, [["replace", [None], 0]]),
    "path into string": ("abc", [["replace", [0], "x"]]),
    "path into number": (5, [["replace", [0], 1]]),
    "path into None": (None, [["replace", ["a"], 1]]),
    "append number to string": ("a", [["append", [], 1]]),
    "append string to list": ([1], [["append", [], "x"]]),
    "append to number": (1, [["append", [], 2]]),
    "append dict to dict": ({"a": 1}, [["append", [], {"b": 2}]]),
    "append None to string": ("a", [["append", [], None]]),
    "append nested wrong type": ({"a": 1}, [["append", ["a"], "x"]]),
}


@pytest.mark.parametrize(("value", "operations"), BAD_DIFFS.values(), ids=BAD_DIFFS.keys())
def test_bad_diff_raises(value: Any, operations: Any) -> None:
    with pytest.raises(DiffError):
        apply_diff(value, operations)


def test_diff_error_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        apply_diff({"a": 1}, [["replace", ["b"], 2]])


def test_diff_error_names_path() -> None:
    with pytest.raises(DiffError) as caught:
        apply_diff([["Hi", ""]], [["append", [5, 1], "x"]])

    assert "append" in str(caught.value)
    assert "[5, 1]" in str(caught.value)


def test_diff_error_has_no_cause() -> None:
    # The message carries the detail, so a chained KeyError would only add noise.
    with pytest.raises(DiffError) as caught:
        apply_diff({"a": 1}, [["delete", ["b"], None]])

    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# Property tests. A reference diff generator follows the rules by which the
# server builds diffs, and apply_diff must rebuild the new value from the old
# one with its operations.


def reference_diff(old: Any, new: Any, path: list[Any], delete_style: str) -> list[Any]:
    """Build the operations a Gradio server sends to turn `old` into `new`.

    `delete_style` is "original" for list deletions numbered as in the old
    list (before Gradio 5.29.1) or "repeated" for the shrinking index (later).
    """
    if type(old) is not type(new):
        return [["replace", path, new]]

    if isinstance(old, str):
        if old == new:
            return []
        if new.startswith(old):
            return [["append", path, new[len(old) :]]]
        return [["replace", path, new]]

    if isinstance(old, list):
        operations = []
        for index in range(min(len(old), len(new))):
            operations += reference_diff(old[index], new[index], [*path, index], delete_style)
        for index in range(len(new), len(old)):
            position = index if delete_style == "original" else len(new)
            operations.append(["delete", [*path, position], None])
        for index in range(len(old), len(new)):
            operations.append(["add", [*path, index], new[index]])
        return operations

    if isinstance(old, dict):
        operations = []
        for key in old:
            if key in new:
                operations += reference_diff(old[key], new[key], [*path, key], delete_style)
            else:
                operations.append(["delete", [*path, key], None])
        for key in new:
            if key not in old:
                operations.append(["add", [*path, key], new[key]])
        return operations

    if old == new:
        return []
    return [["replace", path, new]]


def same_json(left: Any, right: Any) -> bool:
    """Compare two JSON-like values, telling True from 1 and 1 from 1.0."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_json, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same_json(left[k], right[k]) for k in left)
    return bool(left == right)


# A small alphabet makes prefixes, shared keys and equal values common.
short_text = st.text(alphabet="abc", max_size=4)
suffixes = st.text(alphabet="abc", min_size=1, max_size=3)
other_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=3)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
)
# Strings are about half of the leaves, so that appends are common.
scalars = st.one_of(short_text, short_text, short_text, short_text, other_scalars)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from("pqrs"), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def changed(draw: st.DrawFn, old: Any) -> Any:
    """Draw a new value that shares much of its structure with `old`."""
    choice = draw(st.sampled_from(["same", "fresh", *["edit"] * 8]))
    if choice == "same":
        return old
    if choice == "fresh":
        return draw(json_values)

    if isinstance(old, str):
        return old + draw(suffixes)

    if isinstance(old, list):
        items = [draw(changed(item)) for item in old]
        if draw(st.booleans()):
            return items + draw(st.lists(json_values, min_size=1, max_size=3))
        return items[: draw(st.integers(min_value=0, max_value=len(items)))]

    if isinstance(old, dict):
        kept = {
            key: draw(changed(item))
            for key, item in old.items()
            if draw(st.integers(min_value=0, max_value=3)) > 0
        }
        extra = draw(st.dictionaries(st.sampled_from("stuv"), json_values, max_size=2))
        return {**extra, **kept}

    return draw(scalars)


@st.composite
def value_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    old = draw(json_values)
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        return old, draw(json_values)
    return old, draw(changed(old))


@settings(max_examples=400, deadline=None)
@given(pair=value_pairs(), delete_style=st.sampled_from(["original", "repeated"]))
def test_reference_diff_rebuilds_value(pair: tuple[Any, Any], delete_style: str) -> None:
    old, new = pair
    old_copy = copy.deepcopy(old)
    operations = reference_diff(old, new, [], delete_style)

    result = apply_diff(old, operations)

    assert same_json(result, new)
    assert same_json(old, old_copy)


@settings(max_examples=200, deadline=None)
@given(pair=value_pairs())
def test_delete_styles_agree(pair: tuple[Any, Any]) -> None:
    old, new = pair

    original = apply_diff(old, reference_diff(old, new, [], "original"))
    repeated = apply_diff(old, reference_diff(old, new, [], "repeated"))

    assert same_json(original, repeated)


@settings(max_examples=200, deadline=None)
@given(first=json_values, second=json_values, third=json_values)
def test_diff_chain_keeps_values(first: Any, second: Any, third: Any) -> None:
    # Three updates in a row, as a generator sends them: every value handed
    # out earlier must stay as it was.
    second_result = apply_diff(first, reference_diff(first, second, [], "repeated"))
    second_copy = copy.deepcopy(second_result)

    third_result = apply_diff(second_result, reference_diff(second, third, [], "repeated"))

    assert same_json(second_result, second_copy)
    assert same_json(third_result, third)
