extension HubOpenAPI {
    /// `OpsRoutes` (DESIGN §8): liveness, readiness and Prometheus metrics, on the local ops listener and on the
    /// mutual-TLS listener.
    static let ops = #"""
    {
      "paths": {
        "/healthz": {
          "get": {"tags": ["ops"], "operationId": "healthz", "summary": "The process answers", "responses": {"200": {"$ref": "#/components/responses/Health"}}}
        },
        "/readyz": {
          "get": {
            "tags": ["ops"], "operationId": "readyz", "summary": "The database is reachable and the schema current",
            "responses": {
              "200": {"description": "Ready.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["status", "schema_version"],
                "properties": {"status": {"type": "string", "const": "ready"}, "schema_version": {"type": "integer", "minimum": 1}}
              }}}},
              "503": {"description": "`database_unreachable` or `migrations_pending`.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            }
          }
        },
        "/metrics": {
          "get": {
            "tags": ["ops"], "operationId": "metrics", "summary": "Prometheus series per garrison (feed head, reports, conflicts, quarantine, nodes, last seen, refusals, certificate expiry)",
            "responses": {
              "200": {"description": "The Prometheus text exposition format.", "content": {"text/plain": {"schema": {"type": "string"}}}}
            }
          }
        }
      }
    }
    """#

    /// What the mutual-TLS listener adds to the ops routes: `/metrics` there is for admin certificates only
    /// (issue 13).
    static let opsOverTLS = #"""
    {
      "paths": {
        "/metrics": {
          "get": {
            "description": "On the mutual-TLS listener only an admin certificate may scrape (issue 13); the local ops listener serves it to anyone who reaches it.",
            "responses": {"401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}}
          }
        }
      }
    }
    """#
}
