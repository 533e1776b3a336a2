"""Babel extractor for content/ YAML: card, helpline and glossary text for translators."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import yaml

from server.content import translatable_strings


def _line_numbers(text: str) -> dict[str, int]:
    """First line (1-based) at which each scalar value appears in the YAML source."""
    lines: dict[str, int] = {}
    stack: list[Any] = [yaml.compose(text)]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, yaml.ScalarNode):
            lines.setdefault(node.value, node.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return lines


def extract_content(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Yield (line, funcname, message, comments) as babel expects from an extractor."""
    path = Path(getattr(fileobj, "name", ""))
    if not path.name.endswith(".yaml"):
        return
    text = fileobj.read().decode("utf-8")
    lines = _line_numbers(text)
    if path.parent.name == "pulse":
        from server.voice.questions import translatable_strings as pulse_strings

        found = pulse_strings(path)
    elif path.name == "updates.yaml":
        from server.voice.updates import translatable_strings as update_strings

        found = update_strings(path)
    else:
        found = translatable_strings(path)
    for context, message in found:
        yield lines.get(message, 1), None, message, [context]
