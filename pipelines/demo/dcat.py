"""The demo portal's DCAT catalog (``/dcat/catalog.rdf``), shaped like Huế's: ``dcterms:`` metadata and the
file link in the portal's own ``hueod:downloadURL``; ``dct:modified`` is the file's modification time."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

HUEOD = Namespace("https://data.hue.gov.vn/ns/hueod#")
IANA = "http://www.iana.org/assignments/media-types/"
# identifier (agency code + dataset number), title, file, media type
ENTRIES = (
    ("000.00.14.H57-DL-0012", "Di tích đã được xếp hạng", "di-tich-xep-hang.json", "application/json"),
    ("000.00.14.H57-DL-0031", "Lượt khách tham quan di tích theo ngày", "luot-khach-tham-quan.json",
     "application/json"),
)


def catalog_rdf(root: Path, base_url: str) -> str:
    """The catalog as RDF/XML; datasets whose file is missing are left out."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("hueod", HUEOD)
    catalog = URIRef(f"{base_url}/dcat/catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal("Cổng dữ liệu mở thành phố Huế (demo)", lang="vi")))
    for identifier, title, name, media_type in ENTRIES:
        path = root / "files" / name
        if not path.is_file():
            continue
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
        dataset = URIRef(f"{base_url}/dcat/dataset/{identifier}")
        dist = URIRef(f"{base_url}/dcat/distribution/{identifier}-1")
        graph.add((catalog, DCAT.dataset, dataset))
        for triple in ((dataset, RDF.type, DCAT.Dataset), (dataset, DCTERMS.identifier, Literal(identifier)),
                       (dataset, DCTERMS.title, Literal(title, lang="vi")), (dataset, DCAT.distribution, dist),
                       (dist, RDF.type, DCAT.Distribution), (dist, DCAT.mediaType, URIRef(IANA + media_type)),
                       (dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.decimal)),
                       (dist, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)),
                       (dist, HUEOD.downloadURL, Literal(f"{base_url}/files/{name}"))):
            graph.add(triple)
    return graph.serialize(format="pretty-xml")
