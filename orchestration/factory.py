"""Turn each registry dataset into a raw asset, a curated asset and its checks; nothing per dataset by hand."""


import dagster as dg

from expectations.suites import Suite
from orchestration import steps
from orchestration.checks import check_results, check_specs
from orchestration.resources import IngestResource, KeysResource, WarehouseResource
from pipelines.errors import RegionlinkError
from pipelines.model import Dataset, Registry
from pipelines.urls import redact_url
from warehouse.store import WarehouseError

# what a user can fix (source, registry, credentials, warehouse): reported as a clean failure, no stack
USER_ERRORS = (RegionlinkError, WarehouseError, ValueError)
# run tag: validate (and publish or quarantine) the newest raw load again even if it was processed (e.g. after
# a suite was corrected); `regionlink sync --reprocess` sets it, in the UI add it in the launchpad
REPROCESS_TAG = "regionlink/reprocess"


def group_name(publisher: str) -> str:
    return publisher.replace("-", "_")


def raw_key(dataset_id: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", dataset_id])


def curated_key(dataset_id: str) -> dg.AssetKey:
    return dg.AssetKey(["curated", dataset_id])


def _description(dataset: Dataset, registry: Registry, what: str) -> str:
    publisher = registry.publishers[dataset.publisher].name
    lines = [f"**{dataset.title}**" + (f" ({dataset.title_en})" if dataset.title_en else ""), ""]
    if dataset.description:
        lines += [dataset.description, ""]
    lines += [f"{what}", "", f"Publisher: {publisher} · theme: {dataset.theme} · source: {dataset.source.kind} "
              f"`{redact_url(dataset.source.display_url)}` · write: {dataset.write_mode}"
              + (f" on {', '.join(dataset.primary_key)}" if dataset.primary_key else "")]
    return "\n".join(lines)


def _fail(dataset: Dataset, exc: Exception) -> dg.Failure:
    return dg.Failure(description=str(exc), metadata={"dataset": dataset.id, "error": type(exc).__name__})


def raw_asset(dataset: Dataset, registry: Registry) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_key(dataset.id), group_name=group_name(dataset.publisher), kinds={"dlt", "parquet"},
        description=_description(dataset, registry, "Raw zone: the file as the agency published it, loaded by dlt."),
        metadata={"dataset": dataset.id, "source_kind": dataset.source.kind, "registry_file": registry.origin.get(dataset.id, "")},
    )
    def raw(context: dg.AssetExecutionContext, warehouse: WarehouseResource, ingest: IngestResource) -> dg.MaterializeResult:
        """Fetch the dataset's source and load it into the warehouse's raw zone with dlt."""
        try:
            result = steps.ingest(dataset, warehouse.warehouse(), ingest.settings(), ingest.environment(), registry)
        except USER_ERRORS as exc:
            raise _fail(dataset, exc) from None
        context.log.info(f"{dataset.id}: {'loaded ' + str(result.rows) + ' rows' if result.changed else 'source unchanged'}")
        return dg.MaterializeResult(metadata={"rows": result.rows, "changed": result.changed, "load_id": result.load_id or ""})

    return raw


def curated_asset(dataset: Dataset, registry: Registry, suite: Suite) -> dg.AssetsDefinition:
    key = curated_key(dataset.id)
    full_suite = steps.dataset_suite(suite, dataset)

    spec = dg.AssetSpec(
        key, deps=[raw_key(dataset.id)], group_name=group_name(dataset.publisher), kinds={"delta", "great_expectations"},
        description=_description(dataset, registry, "Curated Delta table partners read (checked by its GX suite)."),
        metadata={"dataset": dataset.id, "suite": str(suite.path), "write": dataset.write_mode}, skippable=True,
    )

    # can_subset makes the check outputs optional too: an unchanged source yields nothing at all
    @dg.multi_asset(name=f"curated__{dataset.id}", specs=[spec], check_specs=check_specs(full_suite, key), can_subset=True)
    def curated(context: dg.AssetExecutionContext, warehouse: WarehouseResource, ingest: IngestResource,
                keys: KeysResource):
        """Validate the newest raw load with the suite; publish it as a Delta version (with a signed manifest)
        or quarantine it."""
        try:
            result = steps.curate(dataset, registry, suite, warehouse.warehouse(), run_id=context.run_id,
                                  env=ingest.environment(), force=context.run.tags.get(REPROCESS_TAG) == "true",
                                  keys=keys.region_keys())
        except USER_ERRORS as exc:
            raise _fail(dataset, exc) from None
        if result.outcome == "unchanged":
            context.log.info(f"{dataset.id}: nothing new since raw load {result.load_id}; table left as is")
            return
        checks = check_results(result.validation, key)
        if result.outcome == "quarantined":
            yield from checks
            failed = ", ".join(o.name for o in result.validation.failed("critical"))
            kept = f"version {result.table.version} stays published" if result.table else "nothing published yet"
            raise dg.Failure(
                description=f"dataset '{dataset.id}': batch quarantined at {result.quarantine} (critical: {failed}); {kept}",
                metadata={"quarantine": result.quarantine, "report": result.report, "quality": "failed"},
            )
        yield dg.MaterializeResult(
            asset_key=key, check_results=checks,
            metadata={"rows": result.table.rows, "version": result.table.version, "batch_rows": result.batch_rows,
                      "quality": result.quality, "report": result.report, "load_id": result.load_id},
        )

    return curated
