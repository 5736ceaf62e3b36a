"""Ingest side of regionlink: the dataset registry (YAML + typed model) and the dlt sources it declares.

Nothing here imports Dagster: the registry and the sources are usable from any Python program.
"""
