"""A registry: how a lower app lets the apps above it plug in without importing them.

The apps form one-way layers (docs/architecture.md). When a lower app needs something only
an upper app knows (how to describe its timeline rows, a part of the case page, what to
erase), it owns a Registry and the upper app adds its entries in its AppConfig.ready(),
which Django runs for every installed app before the first request or command.
"""

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        # Twice the same key is a wiring mistake (two apps claiming one kind), not an update.
        if key in self._entries:
            raise ImproperlyConfigured(f"{self.name}: {key!r} is registered twice.")
        self._entries[key] = entry
        return entry

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
