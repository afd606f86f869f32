extension NodeOpenAPI {
    /// The node's status, conflicts, rejections and probes (`LocalAPI`, `NodeStatusView`).
    static let status = #"""
    {
      "paths": {
        "/v1/conflicts": {"get": {
          "tags": ["sync"], "operationId": "conflicts", "summary": "Conflicts recorded here, newest first",
          "responses": {
            "200": {"description": "The conflicts.", "content": {"application/json": {"schema": {"type": "object", "required": ["conflicts"], "properties": {
              "conflicts": {"type": "array", "items": {"$ref": "#/components/schemas/ConflictRecord"}}
            }}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"}
          }
        }},
        "/v1/rejections": {"get": {
          "tags": ["sync"], "operationId": "rejections", "summary": "Local changes the hub refused, newest first (they stay visible here)",
          "responses": {
            "200": {"description": "The rejections.", "content": {"application/json": {"schema": {"type": "object", "required": ["rejections"], "properties": {
              "rejections": {"type": "array", "items": {"type": "object", "required": ["seq", "report_id", "code", "message", "rejected_at"], "properties": {
                "seq": {"type": "integer"}, "report_id": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}, "rejected_at": {"type": "integer"}
              }}}
            }}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"}
          }
        }},
        "/v1/status": {"get": {
          "tags": ["sync"], "operationId": "status", "summary": "Is the queue draining, is the node caught up, what was refused", "security": [],
          "responses": {
            "200": {"description": "The status.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeStatus"}}}}
          }
        }},
        "/healthz": {"get": {"tags": ["ops"], "operationId": "healthz", "summary": "The process answers", "security": [], "responses": {"200": {"$ref": "#/components/responses/Health"}}}},
        "/readyz": {"get": {
          "tags": ["ops"], "operationId": "readyz", "summary": "The store answers", "security": [],
          "responses": {"200": {"description": "Ready.", "content": {"application/json": {"schema": {
            "type": "object", "required": ["status"], "properties": {"status": {"type": "string", "const": "ready"}}
          }}}}}
        }},
        "/metrics": {"get": {
          "tags": ["ops"], "operationId": "metrics", "summary": "Prometheus series: queue depth, oldest unacknowledged age, pull lag, failures", "security": [],
          "responses": {"200": {"description": "The Prometheus text exposition format.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
        }}
      },
      "components": {
        "schemas": {
          "NodeStatus": {
            "type": "object",
            "required": ["site", "reports", "queue_depth", "last_acked", "cursor", "caught_up", "rejections", "conflicts", "push_failures", "pull_failures", "resyncs", "sync_enabled"],
            "properties": {
              "garrison": {"type": "string", "description": "Absent at the national node."},
              "site": {"type": "string"}, "reports": {"type": "integer", "minimum": 0},
              "queue_depth": {"type": "integer", "minimum": 0},
              "oldest_unacked_age_seconds": {"type": "number", "minimum": 0},
              "last_acked": {"type": "integer"}, "last_push_at": {"type": "integer"}, "last_pull_at": {"type": "integer"},
              "cursor": {"type": "integer"}, "hub_head": {"type": "integer"}, "caught_up": {"type": "boolean"},
              "hub": {"type": "string", "description": "The hub's identity `system_id/timeline` as last seen."},
              "rejections": {"type": "integer", "minimum": 0}, "conflicts": {"type": "integer", "minimum": 0},
              "push_failures": {"type": "integer", "minimum": 0}, "pull_failures": {"type": "integer", "minimum": 0},
              "resyncs": {"type": "integer", "minimum": 0}, "last_error": {"type": "string"},
              "pull_lag_ms": {"type": "integer"}, "sync_enabled": {"type": "boolean"},
              "set_aside": {"type": "integer", "minimum": 0, "x-added-by": "issue-13", "description": "Local changes set aside: the hub kept refusing each alone, so the rest of the queue drains (`garrison node queue`)."},
              "refused_pulls": {"type": "integer", "minimum": 0, "x-added-by": "issue-13", "description": "Pulled changes this node could not read or refused, kept in its `refused_pull` table with the reason while the cursor moved on."},
              "feeds": {"type": "array", "description": "The national node: each followed garrison's feed.", "items": {
                "type": "object", "required": ["garrison", "cursor", "caught_up", "pull_failures"],
                "properties": {
                  "garrison": {"type": "string"}, "cursor": {"type": "integer"}, "hub_head": {"type": "integer"}, "caught_up": {"type": "boolean"},
                  "last_pull_at": {"type": "integer"}, "pull_failures": {"type": "integer", "minimum": 0}, "last_error": {"type": "string"},
                  "lag_ms": {"type": "integer"}
                }
              }}
            }
          }
        }
      }
    }
    """#
}
