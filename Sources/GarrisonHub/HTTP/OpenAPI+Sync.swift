extension HubOpenAPI {
    /// The sync API (`SyncRoutes`, DESIGN §4): node and national certificates only; an admin certificate gets
    /// 403 `wrong_role`. Limits are the configuration's defaults (`limits.max_batch`, `limits.max_pull`,
    /// `limits.max_wait_seconds`, `limits.max_body_bytes`).
    static let sync = #"""
    {
      "paths": {
        "/v1/sync/push": {
          "post": {
            "tags": ["sync"],
            "operationId": "push",
            "summary": "Push a batch of the node's queued changes",
            "description": "Applied in one transaction with the sender's high-water mark: replays and overlaps apply once; a batch starting past the mark applies nothing. A change that fails validation or authority is quarantined and listed in `rejections`; the rest applies. A node may only name its own garrison (403 `cross_tenant`).",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}}
            },
            "responses": {
              "200": {"description": "Everything through `acked_through` is durable at the hub.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushAck"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/sync/pull": {
          "get": {
            "tags": ["sync"],
            "operationId": "pull",
            "summary": "Read the garrison's feed after a cursor, long-polling when caught up",
            "parameters": [
              {"name": "cursor", "in": "query", "description": "The last position applied.", "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807, "default": 0}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 1000}},
              {"name": "wait", "in": "query", "description": "Seconds to wait for a new entry when caught up; at most `limits.max_wait_seconds` (30 by default; more is 400).", "schema": {"type": "integer", "minimum": 0, "maximum": 30, "default": 0}},
              {"name": "queue", "in": "query", "description": "A garrison's node: how many of its changes wait to be pushed (the rollout's `queue_drained` gate).", "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807}},
              {"name": "garrison", "in": "query", "description": "The national role names the garrison; a node may only name its own.", "schema": {"$ref": "#/components/schemas/GarrisonCode"}}
            ],
            "responses": {
              "200": {"description": "A page of the feed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PullPage"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/sync/snapshot": {
          "get": {
            "tags": ["sync"],
            "operationId": "snapshot",
            "summary": "The garrison's reports in id order, with the cursor to pull from (keep the first page's)",
            "parameters": [
              {"name": "after", "in": "query", "description": "The `next_after` of the previous page.", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500}},
              {"name": "garrison", "in": "query", "description": "The national role names the garrison; a node may only name its own.", "schema": {"$ref": "#/components/schemas/GarrisonCode"}}
            ],
            "responses": {
              "200": {"description": "One page.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SnapshotPage"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/sync/catalogue": {
          "get": {
            "tags": ["sync"],
            "operationId": "catalogues",
            "summary": "Every category catalogue version the hub holds, oldest first",
            "responses": {
              "200": {"description": "The versions.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Catalogue"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "post": {
            "tags": ["sync"],
            "operationId": "publishCatalogue",
            "summary": "Publish the next catalogue version (national role only)",
            "description": "The version is the latest plus one (409 otherwise); every earlier category stays listed (422 `category_removed`), retired with `active: false`.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Catalogue"}}}},
            "responses": {
              "201": {"description": "Published.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Catalogue"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/sync/garrisons": {
          "get": {
            "tags": ["sync"],
            "operationId": "garrisonPhases",
            "summary": "Every garrison's rollout phase",
            "responses": {
              "200": {"description": "The 17 garrisons.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/GarrisonPhase"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      },
      "components": {
        "schemas": {
          "GarrisonCode": {"type": "string", "description": "One of the 17 garrisons: `02`…`32` (voivodeship TERYT) or `KSP` (Warsaw).", "examples": ["20", "KSP"]},
          "Phase": {"type": "string", "enum": ["planned", "pilot", "live", "suspended"]},
          "QueuedChange": {
            "type": "object",
            "required": ["seq", "change"],
            "properties": {
              "seq": {"type": "integer", "minimum": 1, "maximum": 9223372036854775807, "description": "The node's gap-free sequence number."},
              "change": {"$ref": "#/components/schemas/Change"}
            }
          },
          "PushRequest": {
            "type": "object",
            "required": ["changes", "rebase"],
            "properties": {
              "changes": {"type": "array", "maxItems": 5000, "items": {"$ref": "#/components/schemas/QueuedChange"}},
              "rebase": {"type": "boolean", "description": "After a re-sync: accept a gap before the first sequence as the new start."}
            }
          },
          "PushAck": {
            "type": "object",
            "required": ["acked_through", "rejections", "hub"],
            "properties": {
              "acked_through": {"type": "integer"},
              "rejections": {"type": "array", "items": {"type": "object", "required": ["seq", "reason"], "properties": {"seq": {"type": "integer"}, "reason": {"$ref": "#/components/schemas/Reason"}}}},
              "hub": {"$ref": "#/components/schemas/HubIdentity"}
            }
          },
          "PullPage": {
            "type": "object",
            "required": ["entries", "next_cursor", "caught_up", "head", "hub"],
            "properties": {
              "entries": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": ["position", "change", "committed_at"],
                  "properties": {
                    "position": {"type": "integer", "minimum": 1},
                    "change": {"$ref": "#/components/schemas/Change"},
                    "committed_at": {"type": "integer", "description": "When the hub committed it, ms since 1970."}
                  }
                }
              },
              "next_cursor": {"type": "integer", "minimum": 0},
              "caught_up": {"type": "boolean"},
              "head": {"type": "integer", "minimum": 0},
              "hub": {"$ref": "#/components/schemas/HubIdentity"}
            }
          },
          "SnapshotPage": {
            "type": "object",
            "required": ["garrison", "cursor", "reports", "hub"],
            "properties": {
              "garrison": {"$ref": "#/components/schemas/GarrisonCode"},
              "cursor": {"type": "integer", "minimum": 0},
              "reports": {"type": "array", "items": {"$ref": "#/components/schemas/ReportState"}},
              "next_after": {"type": "string", "description": "The `after` of the next page; absent on the last page."},
              "hub": {"$ref": "#/components/schemas/HubIdentity"}
            }
          },
          "GarrisonPhase": {
            "type": "object",
            "required": ["garrison", "name", "wave", "phase"],
            "properties": {
              "garrison": {"$ref": "#/components/schemas/GarrisonCode"},
              "name": {"type": "string"},
              "wave": {"type": "integer"},
              "phase": {"$ref": "#/components/schemas/Phase"}
            }
          }
        }
      }
    }
    """#
}
