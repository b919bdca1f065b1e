"""`python -m schema.export` prints the SDL that is committed as schema.graphql."""

from __future__ import annotations

from schema.build import build_schema


def sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
