import GarrisonHTTP

/// The OpenAPI 3.1 document of the node's local API (a garrison's node and the national node alike), served at
/// `GET /openapi.json` (issue 13). The fragments beside this file describe the routes of `LocalAPI`.
enum NodeOpenAPI {
    static let document = OpenAPIDocument(
        title: "garrison node: the units' local API",
        description: "A garrison's node (and the national node, `node.role: national`) at its HQ (`api.address`, HTTP or HTTPS "
            + "with `api.tls.*`). Every request but the probes, `/v1/status` and `/v1/public/stats` carries a unit's token "
            + "(`Authorization: Bearer gut_…`, from `garrison node token issue`), which names the unit and its role. "
            + "A write answers only after its transaction is on disk. Every error is problem+json.",
        fragments: [OpenAPIDocument.coreSchemas, reports, national, statistics, status, security])

    static let security = #"""
    {
      "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "gut_…", "description": "A unit's token, bound to a unit and a role (officer, coordinator, voivodeship, national)."}}},
      "security": [{"bearer": []}]
    }
    """#
}
