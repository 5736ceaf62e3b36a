"""The registry's source kinds: ``http``, ``ckan``, ``rest``, ``sql``, ``dcat``, ``partner`` (``source.kind``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from pipelines.envsubst import variables
from pipelines.model_base import _check_vars, _Strict


class HttpSource(_Strict):
    """A file (CSV, XLSX, JSON, Parquet) at a URL."""

    kind: Literal["http"]
    url: str
    headers: dict[str, str] = {}

    _vars = field_validator("url")(_check_vars)

    @property
    def display_url(self) -> str:
        return self.url


class CkanSource(_Strict):
    """A resource of a CKAN package, found through the Action API ``package_show``."""

    kind: Literal["ckan"]
    portal: str
    package: str
    resource: str | None = None

    _vars = field_validator("portal", "package")(_check_vars)

    @property
    def display_url(self) -> str:
        return f"{self.portal.rstrip('/')}/dataset/{self.package}"


class RestSuccess(_Strict):
    """Envelope check: the value at ``path`` must equal ``equals``, else the response is an error, not data."""

    path: str
    equals: object


class RestSource(_Strict):
    """A JSON HTTP API, paged by dlt's rest_api paginators (``paginator`` uses dlt's own key names)."""

    kind: Literal["rest"]
    url: str
    data_selector: str | None = None
    paginator: dict[str, object] | str | None = None
    params: dict[str, object] = {}
    headers: dict[str, str] = {}
    success: RestSuccess | None = None

    _vars = field_validator("url")(_check_vars)

    @field_validator("headers", "params")
    @classmethod
    def _mapping_vars(cls, value: dict) -> dict:
        for item in value.values():
            if isinstance(item, str):
                variables(item)
        return value

    @property
    def display_url(self) -> str:
        return self.url


class SqlSource(_Strict):
    """A table or query of an agency database (SQLAlchemy URL), read by dlt's sql_database with pyarrow."""

    kind: Literal["sql"]
    url: str
    table: str | None = None
    query: str | None = None

    _vars = field_validator("url")(_check_vars)

    @model_validator(mode="after")
    def _one_of(self) -> SqlSource:
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of table or query")
        return self

    @property
    def display_url(self) -> str:
        return f"{self.url}#{self.table}" if self.table else f"{self.url}#query"


class DcatSource(_Strict):
    """A dataset of a DCAT catalog (RDF/XML, Turtle or JSON-LD): its distribution of ``media_type`` (else any
    tabular one) is downloaded; ``dct:modified`` unchanged since the last run means nothing to do."""

    kind: Literal["dcat"]
    catalog: str
    dataset: str
    media_type: str | None = None

    _vars = field_validator("catalog")(_check_vars)

    @property
    def display_url(self) -> str:
        return f"{self.catalog}#{self.dataset}"




class PartnerSource(_Strict):
    """A dataset a partner region shares with us: read from its warehouse through its catalog view
    ``catalog/<our code>.json``; each new Delta version is ingested only after its signed manifest and every
    file's sha256 verify against the public key registered under ``partners``."""

    kind: Literal["partner"]
    region: str = Field(pattern=r"^\d{2}$")
    warehouse: str  # s3://bucket[/prefix] (or a local directory, e.g. the demo neighbour)
    dataset: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    endpoint: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    aws_region: str = "us-east-1"

    _vars = field_validator("warehouse", "endpoint", "access_key_id", "secret_access_key")(
        lambda value: value if value is None else _check_vars(value))

    @field_validator("secret_access_key")
    @classmethod
    def _secret_by_reference(cls, value: str | None) -> str | None:
        if value is not None and not variables(value):
            raise ValueError("write the secret as a ${VAR} reference, never in the registry itself")
        return value

    @field_validator("region", mode="before")
    @classmethod
    def _int_code(cls, value: object) -> object:
        return f"{value:02d}" if isinstance(value, int) else value

    @property
    def display_url(self) -> str:
        return f"{self.warehouse.rstrip('/')}#{self.dataset}"


Source = Annotated[HttpSource | CkanSource | RestSource | SqlSource | DcatSource | PartnerSource,
                   Field(discriminator="kind")]
