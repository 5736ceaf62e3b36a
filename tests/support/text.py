"""Vietnamese text as legacy agencies' files carry it (the demo generator's encoder, shared)."""

from pipelines.demo.writers import cp1258_bytes as cp1258

__all__ = ["cp1258"]
