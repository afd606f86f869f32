extension NodeOpenAPI {
    /// The units' report routes of `LocalAPI` (`UnitDesk`): record, list, read and work reports.
    static let reports = #"""
    {
      "paths": {
        "/v1/reports": {
          "post": {
            "tags": ["reports"], "operationId": "createReport", "summary": "Record a report (pillar 1 or 2) in status Nowe",
            "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
            "description": "An officer or local coordinator records in its unit's county (403 `outside_unit`); the national node records none (403 `wrong_role`). Answered once the write and its queued change are on disk.",
            "requestBody": {"required": true, "content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/CreateReport"},
              "example": {"county": "2061", "category": 7, "description": "Nielegalne wysypisko śmieci", "pillar": "direct_contact", "location": {"lat": 53.13, "lon": 23.16}, "days_of_week": [1, 5]}
            }}},
            "responses": {
              "201": {"$ref": "#/components/responses/Report"},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"}, "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          },
          "get": {
            "tags": ["reports"], "operationId": "listReports", "summary": "Reports in id (creation) order, filtered, a page at a time",
            "parameters": [
              {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}},
              {"name": "category", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 999}},
              {"name": "county", "in": "query", "schema": {"type": "string"}},
              {"name": "unit", "in": "query", "schema": {"type": "string"}},
              {"name": "overdue", "in": "query", "description": "Past the 2-day read or the 5-day verify deadline and not through it.", "schema": {"type": "string", "enum": ["read", "verify"]}},
              {"name": "after", "in": "query", "description": "The `next_after` of the previous page.", "schema": {"type": "string"}},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}
            ],
            "responses": {
              "200": {"description": "A page.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["reports"],
                "properties": {
                  "reports": {"type": "array", "items": {"$ref": "#/components/schemas/ReportView"}},
                  "next_after": {"type": "string", "description": "Absent on the last page."}
                }
              }}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          }
        },
        "/v1/reports/{id}": {
          "get": {
            "tags": ["reports"], "operationId": "report", "summary": "A report with its history and conflicts",
            "parameters": [{"$ref": "#/components/parameters/ReportID"}],
            "responses": {
              "200": {"description": "The report.", "content": {"application/json": {"schema": {
                "type": "object", "required": ["report", "history", "conflicts"],
                "properties": {
                  "report": {"$ref": "#/components/schemas/ReportView"},
                  "history": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryView"}},
                  "conflicts": {"type": "array", "items": {"$ref": "#/components/schemas/ConflictRecord"}}
                }
              }}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/v1/reports/{id}/card": {"post": {
          "tags": ["reports"], "operationId": "openCard", "summary": "Open (or update) the verification card; a report in Nowe moves to Weryfikacja",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "findings": {"type": "string", "maxLength": 2000}, "actions": {"type": "string", "maxLength": 2000}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/status": {"post": {
          "tags": ["reports"], "operationId": "moveStatus", "summary": "One step along the status flow (409 `invalid_transition`; hand over with /handover)",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {
            "status": {"$ref": "#/components/schemas/Status"}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/reopen": {"post": {
          "tags": ["reports"], "operationId": "reopen", "summary": "A closed report back to Weryfikacja in a new epoch (coordinators; the reason becomes a note)",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {
            "reason": {"type": "string", "minLength": 1, "maxLength": 1990}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/handover": {"post": {
          "tags": ["reports"], "operationId": "handover", "summary": "Confirmed and handed over to a body outside the Police",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["to"], "properties": {
            "to": {"type": "string", "minLength": 1, "maxLength": 200}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/notes": {"post": {
          "tags": ["reports"], "operationId": "addNote", "summary": "Add a note",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 2000}
          }}}}},
          "responses": {
            "201": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/unit": {"post": {
          "tags": ["reports"], "operationId": "assignUnit", "summary": "Assign the report to a local unit of the garrison (voivodeship coordinator only)",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["unit"], "properties": {
            "unit": {"type": "string", "examples": ["KPP-2063"]}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }}
      },
      "components": {
        "parameters": {
          "ReportID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}},
          "IdempotencyKey": {
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Makes the write idempotent (draft-ietf-httpapi-idempotency-key-header): a retry with the same key and the same request (method, path, body bytes) writes nothing again and is answered from the first write, with the report as it is now and `Idempotent-Replayed: true`; the key with another request is 422 `idempotency_key_reused`. Keys are the token's own and kept for a day. A structured-field string (a UUID in quotes) or bare text, 1 to 255 visible ASCII characters (else 400 `invalid_idempotency_key`).",
            "schema": {"type": "string", "pattern": "^(\"[!#-~]{1,255}\"|[!#-~]{1,255})$"}
          }
        },
        "responses": {
          "Report": {
            "description": "The report's new state; `Location` names it.",
            "headers": {"Location": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportView"}}}
          }
        },
        "schemas": {
          "CreateReport": {
            "type": "object", "required": ["county", "category", "description", "pillar"],
            "properties": {
              "id": {"type": "string", "minLength": 1, "maxLength": 64, "description": "A UUIDv7 the client made, so a retried request cannot create the report twice (409 `report_exists`)."},
              "county": {"type": "string", "pattern": "^[0-9]{4}$", "description": "TERYT county code."},
              "category": {"type": "integer"},
              "description": {"type": "string", "minLength": 1, "maxLength": 500},
              "pillar": {"type": "string", "enum": ["police_systems", "direct_contact"]},
              "location": {"type": "object", "required": ["lat", "lon"], "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180}
              }},
              "event_at": {"type": "integer", "minimum": 1},
              "time_of_day": {"type": "string", "enum": ["morning", "day", "evening", "night", "always"]},
              "days_of_week": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 7}},
              "unit": {"type": "string", "examples": ["KPP-2063"]}
            }
          },
          "ReportView": {
            "type": "object", "required": ["id", "hidden", "duplicated_by", "notes", "confirmations"],
            "description": "A report as units read it; fields not written yet are absent.",
            "properties": {
              "id": {"type": "string"}, "garrison": {"type": "string"}, "county": {"type": "string"}, "unit": {"type": "string"},
              "category": {"type": "integer"}, "category_version": {"type": "integer"}, "description": {"type": "string"},
              "pillar": {"type": "string", "enum": ["police_systems", "direct_contact", "citizens_online"]},
              "location": {"description": "`{lat, lon}`.", "$ref": "#/components/schemas/Value"},
              "created_at": {"type": "integer"}, "event_at": {"type": "integer"}, "time_of_day": {"type": "string"},
              "days_of_week": {"$ref": "#/components/schemas/Value"},
              "status": {"$ref": "#/components/schemas/Status"}, "epoch": {"type": "integer", "minimum": 0},
              "public_color": {"type": "string", "enum": ["green", "yellow", "red", "grey"]},
              "card": {"description": "`{opened_at, opened_by, findings, actions}`.", "$ref": "#/components/schemas/Value"},
              "handover": {"type": "string"}, "read_at": {"type": "integer"}, "verified_at": {"type": "integer"},
              "hidden": {"type": "boolean"}, "duplicate_of": {"type": "string"},
              "duplicated_by": {"type": "array", "items": {"type": "string"}},
              "notes": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
              "confirmations": {"type": "integer", "minimum": 0},
              "deadlines": {"type": "object", "required": ["read_due", "verify_due", "missed"], "properties": {
                "read_due": {"type": "integer"}, "verify_due": {"type": "integer"},
                "missed": {"type": "array", "items": {"type": "string", "enum": ["read", "verify"]}}
              }}
            }
          },
          "HistoryView": {
            "type": "object", "required": ["applied_at", "source", "origin", "kind", "fields", "notes"],
            "properties": {
              "applied_at": {"type": "integer"}, "source": {"type": "string"}, "author": {"type": "string"}, "origin": {"type": "string"},
              "kind": {"type": "string", "enum": ["create", "update", "restore"]},
              "fields": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Value"}},
              "status": {"$ref": "#/components/schemas/Status"},
              "notes": {"type": "array", "items": {"type": "string"}}
            }
          }
        }
      }
    }
    """#
}
