"""Reconstructable job targets for runs in separate processes (multi-process executor, run launchers)."""


def nightly_sync():
    from orchestration.definitions import build_definitions

    return build_definitions().resolve_job_def("nightly_sync")
