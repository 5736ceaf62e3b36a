"""The bundled demo estate: synthetic open data from Huế's agencies and a loopback portal serving it.

``generate`` rebuilds the committed files under ``files/`` (and ``packages.json``) from a fixed seed;
``portal`` serves them over HTTP, with a CKAN-compatible Action API, for the demo registry in
``pipelines/registry/``. The data are made up; codes, names and formats follow Huế's real ones.
"""
