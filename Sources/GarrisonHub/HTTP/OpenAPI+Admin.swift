extension HubOpenAPI {
    /// The administrators' API (`AdminRoutes`, `RolloutRoutes`): admin certificates only; any other role gets 403
    /// `wrong_role`.
    static let admin = #"""
    {
      "paths": {
        "/v1/admin/garrisons": {
          "get": {
            "tags": ["admin"], "operationId": "overview", "summary": "Every garrison with its phase, feed, conflicts, quarantine and nodes",
            "responses": {
              "200": {"description": "The 17 garrisons.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/GarrisonOverview"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/conflicts": {
          "get": {
            "tags": ["admin"], "operationId": "conflicts", "summary": "Conflicts the merge decided, newest first",
            "parameters": [{"$ref": "#/components/parameters/ListingGarrison"}, {"$ref": "#/components/parameters/ListingState"}, {"$ref": "#/components/parameters/ListingLimit"}],
            "responses": {
              "200": {"description": "The conflicts.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ConflictEntry"}}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/conflicts/{number}": {
          "get": {
            "tags": ["admin"], "operationId": "conflict", "summary": "One conflict",
            "parameters": [{"$ref": "#/components/parameters/ConflictNumber"}],
            "responses": {
              "200": {"description": "The conflict.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ConflictEntry"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/conflicts/{number}/resolve": {
          "post": {
            "tags": ["admin"], "operationId": "resolveConflict", "summary": "Keep the winner, or override it with the loser's value",
            "parameters": [{"$ref": "#/components/parameters/ConflictNumber"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["action"], "properties": {"action": {"type": "string", "enum": ["keep", "override"]}}
            }}}},
            "responses": {
              "200": {"description": "The conflict, resolved.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ConflictEntry"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/quarantine": {
          "get": {
            "tags": ["admin"], "operationId": "quarantine", "summary": "Quarantined changes",
            "parameters": [{"$ref": "#/components/parameters/ListingGarrison"}, {"$ref": "#/components/parameters/ListingState"}, {"$ref": "#/components/parameters/ListingLimit"}],
            "responses": {
              "200": {"description": "The quarantined changes.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/QuarantineEntry"}}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/quarantine/{id}/retry": {
          "post": {
            "tags": ["admin"], "operationId": "retryQuarantined", "summary": "Apply a quarantined change again (409 `still_refused` if it still fails)",
            "parameters": [{"$ref": "#/components/parameters/QuarantineID"}],
            "responses": {
              "200": {"description": "The entry, retried.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QuarantineEntry"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/quarantine/{id}/drop": {
          "post": {
            "tags": ["admin"], "operationId": "dropQuarantined", "summary": "Drop a quarantined change",
            "parameters": [{"$ref": "#/components/parameters/QuarantineID"}],
            "responses": {
              "200": {"description": "The entry, dropped.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QuarantineEntry"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/enrollment-tokens": {
          "post": {
            "tags": ["admin"], "operationId": "createEnrollmentToken", "summary": "A one-time enrollment token (the secret is shown once)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object",
              "properties": {
                "role": {"type": "string", "enum": ["node", "national"], "default": "node"},
                "garrison": {"type": "string", "description": "The garrison of a node's token; none for the national node's."},
                "ttl_hours": {"type": "number", "exclusiveMinimum": 0, "maximum": 720, "default": 24}
              }
            }}}},
            "responses": {
              "201": {"description": "The token.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrollmentToken"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "413": {"$ref": "#/components/responses/TooLarge"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          },
          "get": {
            "tags": ["admin"], "operationId": "enrollmentTokens", "summary": "The tokens issued (never their secrets)",
            "parameters": [{"$ref": "#/components/parameters/ListingLimit"}],
            "responses": {
              "200": {"description": "The tokens.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/EnrollmentTokenEntry"}}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/garrisons/{code}/promote": {"post": {"tags": ["admin"], "operationId": "promote", "summary": "planned → pilot → live, behind the readiness gates (409 `gate_failed` names each failed gate)", "parameters": [{"$ref": "#/components/parameters/GarrisonPath"}], "requestBody": {"$ref": "#/components/requestBodies/PhaseOrder"}, "responses": {
              "200": {"description": "The change made and the gates checked.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PhaseChangeResult"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }}},
        "/v1/admin/garrisons/{code}/suspend": {"post": {"tags": ["admin"], "operationId": "suspend", "summary": "pilot or live → suspended: the garrison's node is refused until resumed", "parameters": [{"$ref": "#/components/parameters/GarrisonPath"}], "requestBody": {"$ref": "#/components/requestBodies/PhaseOrder"}, "responses": {
              "200": {"description": "The change made and the gates checked.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PhaseChangeResult"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }}},
        "/v1/admin/garrisons/{code}/resume": {"post": {"tags": ["admin"], "operationId": "resume", "summary": "suspended → the phase it was suspended from", "parameters": [{"$ref": "#/components/parameters/GarrisonPath"}], "requestBody": {"$ref": "#/components/requestBodies/PhaseOrder"}, "responses": {
              "200": {"description": "The change made and the gates checked.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PhaseChangeResult"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }}},
        "/v1/admin/audit": {
          "get": {
            "tags": ["admin"], "operationId": "audit", "summary": "The recorded changes of phase, newest first",
            "parameters": [{"name": "garrison", "in": "query", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/ListingLimit"}],
            "responses": {
              "200": {"description": "The changes.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/PhaseChange"}}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/admin/certificates": {
          "get": {
            "tags": ["admin"], "operationId": "certificates", "summary": "The hub's own, enrolled and seen certificates, soonest expiry first",
            "responses": {
              "200": {"description": "The certificates.", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/CertificateLine"}}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}, "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      },
      "components": {
        "parameters": {
          "ListingGarrison": {"name": "garrison", "in": "query", "description": "Only this garrison (404 `unknown_garrison` for a code that is none).", "schema": {"type": "string"}},
          "ListingState": {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["open", "resolved", "all"], "default": "open"}},
          "ListingLimit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}},
          "ConflictNumber": {"name": "number", "in": "path", "required": true, "schema": {"type": "integer", "minimum": -9223372036854775807, "maximum": 9223372036854775807}},
          "QuarantineID": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": -9223372036854775807, "maximum": 9223372036854775807}},
          "GarrisonPath": {"name": "code", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}
        },
        "requestBodies": {
          "PhaseOrder": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["reason"],
            "properties": {"reason": {"type": "string", "minLength": 1, "description": "Audited; blank is 400 `reason_required`."}}
          }}}}
        },
        "schemas": {
          "GarrisonOverview": {
            "type": "object",
            "required": ["garrison", "name", "wave", "phase", "feed_head", "reports", "open_conflicts", "open_quarantine", "nodes", "enrolled"],
            "properties": {
              "garrison": {"type": "string"}, "name": {"type": "string"}, "wave": {"type": "integer"},
              "phase": {"$ref": "#/components/schemas/Phase"},
              "feed_head": {"type": "integer"}, "reports": {"type": "integer"}, "open_conflicts": {"type": "integer"},
              "open_quarantine": {"type": "integer"}, "nodes": {"type": "integer"},
              "last_seen_seconds_ago": {"type": "number", "description": "Absent if no node was ever seen."},
              "queue": {"type": "integer", "description": "Changes waiting at its most recently seen node; absent if unknown."},
              "lag": {"type": "integer", "description": "Feed entries that node has not pulled yet; absent if unknown."},
              "enrolled": {"type": "integer"}
            }
          },
          "ConflictEntry": {
            "type": "object",
            "required": ["number", "record"],
            "properties": {
              "number": {"type": "integer"},
              "record": {"$ref": "#/components/schemas/ConflictRecord"},
              "resolution": {"type": "string", "enum": ["kept", "overridden"], "description": "Absent while open."},
              "resolved_by": {"type": "string"}
            }
          },
          "QuarantineEntry": {
            "type": "object",
            "required": ["id", "node_id", "role", "change", "reason", "state"],
            "properties": {
              "id": {"type": "integer"}, "garrison": {"type": "string"}, "node_id": {"type": "string"}, "role": {"type": "string"},
              "seq": {"type": "integer"}, "change": {"$ref": "#/components/schemas/Change"}, "reason": {"$ref": "#/components/schemas/Reason"},
              "state": {"type": "string", "enum": ["open", "retried", "dropped"]}, "resolved_by": {"type": "string"}
            }
          },
          "EnrollmentToken": {
            "type": "object",
            "required": ["token", "token_id", "role", "expires_at"],
            "properties": {
              "token": {"type": "string", "description": "`<token id>.<secret>`, what `garrison node enroll --token` takes; shown once."},
              "token_id": {"type": "string"}, "role": {"type": "string", "enum": ["node", "national"]}, "garrison": {"type": "string"},
              "expires_at": {"type": "string", "format": "date-time"}
            }
          },
          "EnrollmentTokenEntry": {
            "type": "object",
            "required": ["token_id", "role", "created_by", "expires_at"],
            "properties": {
              "token_id": {"type": "string"}, "role": {"type": "string"}, "garrison": {"type": "string"}, "created_by": {"type": "string"},
              "expires_at": {"type": "string", "format": "date-time"}, "used_at": {"type": "string", "format": "date-time"}, "node_id": {"type": "string"}
            }
          },
          "GateCheck": {
            "type": "object", "required": ["gate", "passed", "detail"],
            "properties": {"gate": {"type": "string", "enum": ["enrolled", "seen", "queue_drained", "no_quarantine"]}, "passed": {"type": "boolean"}, "detail": {"type": "string"}}
          },
          "PhaseChange": {
            "type": "object", "required": ["id", "garrison", "from", "to", "actor", "reason", "at"],
            "properties": {
              "id": {"type": "integer"}, "garrison": {"type": "string"}, "from": {"$ref": "#/components/schemas/Phase"}, "to": {"$ref": "#/components/schemas/Phase"},
              "actor": {"type": "string"}, "reason": {"type": "string"}, "at": {"type": "string", "format": "date-time"}
            }
          },
          "PhaseChangeResult": {
            "type": "object", "required": ["change", "gates"],
            "properties": {"change": {"$ref": "#/components/schemas/PhaseChange"}, "gates": {"type": "array", "items": {"$ref": "#/components/schemas/GateCheck"}}}
          },
          "CertificateLine": {
            "type": "object", "required": ["serial", "identity", "source", "not_after", "days_to_expiry", "revoked"],
            "properties": {
              "serial": {"type": "string"}, "identity": {"type": "string"}, "source": {"type": "string", "enum": ["hub", "enrolled", "seen"]},
              "not_after": {"type": "string", "format": "date-time"}, "days_to_expiry": {"type": "integer"}, "revoked": {"type": "boolean"}
            }
          }
        }
      }
    }
    """#
}
