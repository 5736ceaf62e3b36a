"""Quality side of regionlink: one Great Expectations (GX Core 1.x) suite per dataset and the code that runs them.

Suites are GX's own JSON; :mod:`expectations.suites` reads them without importing GX (fast, for definitions),
:mod:`expectations.runner` imports GX only when a batch is validated.
"""
