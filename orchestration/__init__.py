"""Dagster side of regionlink: definitions built from the registry, the only layer that imports Dagster."""
