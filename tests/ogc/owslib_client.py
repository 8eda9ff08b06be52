"""OWSLib (PyPI `owslib.ogcapi.features`) against a running landtrace server.

Reads the collections and items, then performs Part 4 create, replace and
delete with a bearer token, and shows that a stale `If-Match` is refused (412)
and changes nothing. Prints one JSON object with what it saw; the Rust test
(tests/ogc_clients.rs) compares it with the store.

Usage: owslib_client.py BASE_URL TOKEN
"""

import json
import sys

import requests
from owslib.ogcapi.features import Features
from owslib.util import Authentication


class Bearer(requests.auth.AuthBase):
    """The token (and, for a change, the version it expects) on every request.

    OWSLib sends its `headers` with GET, POST and PUT but not with DELETE; a
    requests auth hook is the way it offers to add headers to every request.
    """

    def __init__(self, token):
        self.token = token
        self.if_match = None

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        if self.if_match is not None:
            request.headers["If-Match"] = self.if_match
        return request


def main():
    base, token = sys.argv[1], sys.argv[2]
    bearer = Bearer(token)
    api = Features(base, auth=Authentication(auth_delegate=bearer))
    out = {}
    out["collections"] = sorted(api.feature_collections())
    out["conformance_has_part4"] = any("ogcapi-features-4" in c for c in api.conformance()["conformsTo"])
    items = api.collection_items("townships", limit=5)
    out["townships_page"] = {
        "numberMatched": items["numberMatched"],
        "numberReturned": items["numberReturned"],
        "first_id": items["features"][0]["id"],
        "has_next": any(link["rel"] == "next" for link in items["links"]),
    }
    out["queryables"] = sorted(api.collection_queryables("urban_grade_zones")["properties"])

    layer = "consolidation_projects"
    lon, lat, d = 110.62, 35.31, 0.001
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    feature = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"name": "OWSLib 创建", "project_type": "土地整治", "accuracy": "illustrative"},
    }
    api.collection_item_create(layer, feature)
    location = api.response_headers["Location"]
    fid = location.rstrip("/").rsplit("/", 1)[1]
    out["created"] = fid
    first = api.collection_item(layer, fid)
    out["created_name"] = first["properties"]["name"]
    etag = requests.get(location, headers={"Accept": "application/geo+json"}).headers["ETag"]

    feature["properties"]["name"] = "OWSLib 替换"
    api.headers["Content-Type"] = "application/geo+json"
    api.headers["If-Match"] = etag
    api.collection_item_update(layer, fid, json.dumps(feature))
    out["replaced_name"] = api.collection_item(layer, fid)["properties"]["name"]
    new_etag = requests.get(location).headers["ETag"]
    out["etag_changed"] = new_etag != etag

    # A second editor still holding the first version: 412, nothing changes.
    api.headers["If-Match"] = etag
    feature["properties"]["name"] = "过期的修改"
    try:
        api.collection_item_update(layer, fid, json.dumps(feature))
        out["stale_replace"] = "accepted"
    except RuntimeError as e:
        out["stale_replace"] = str(e)
    stale = requests.put(location, data=json.dumps(feature),
                         headers={"Authorization": f"Bearer {token}", "If-Match": etag,
                                  "Content-Type": "application/geo+json"})
    out["stale_status"] = stale.status_code
    out["after_stale_name"] = api.collection_item(layer, fid)["properties"]["name"]
    del api.headers["If-Match"]

    bearer.if_match = etag
    try:
        api.collection_item_delete(layer, fid)
        out["stale_delete"] = "accepted"
    except RuntimeError as e:
        out["stale_delete"] = "refused"
    bearer.if_match = new_etag
    api.collection_item_delete(layer, fid)
    bearer.if_match = None
    out["after_delete_status"] = requests.get(location).status_code
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
