extension OpenAPIDocument {
    /// The schemas of GarrisonCore's wire types (`Change`, `Register`, `StatusRegister`, `Note`, `Confirmation`,
    /// `ReportState`, `HubIdentity`, `ConflictRecord`, `CategoryCatalogue`), shared by the hub's and the node's
    /// documents.
    public static let coreSchemas = #"""
    {
      "components": {
        "schemas": {
          "Stamp": {
            "type": "string",
            "description": "A hybrid logical clock stamp `wall.counter@site` (wall-clock ms, counter, site id).",
            "pattern": "^-?[0-9]+\\.[0-9]+@",
            "examples": ["1764626400000.0@node-20-a"]
          },
          "Value": {"description": "Any JSON value: a plain field's value (its shape per field is checked by validation, not decoding)."},
          "Register": {
            "type": "object",
            "required": ["value", "stamp"],
            "properties": {
              "value": {"$ref": "#/components/schemas/Value"},
              "stamp": {"$ref": "#/components/schemas/Stamp"},
              "base": {"$ref": "#/components/schemas/Stamp"}
            }
          },
          "Status": {
            "type": "string",
            "description": "A report's status, by its Polish name.",
            "enum": ["Nowe", "Weryfikacja", "Potwierdzone", "Potwierdzone (wyeliminowane)", "Potwierdzone (przekazane poza Policję)", "Niepotwierdzone", "Żart lub pomyłka"]
          },
          "StatusRegister": {
            "type": "object",
            "required": ["status", "epoch", "stamp"],
            "properties": {
              "status": {"$ref": "#/components/schemas/Status"},
              "epoch": {"type": "integer", "description": "Incremented by each reopen."},
              "stamp": {"$ref": "#/components/schemas/Stamp"},
              "base": {"$ref": "#/components/schemas/Stamp"}
            }
          },
          "Note": {
            "type": "object",
            "required": ["id", "author", "text", "at"],
            "properties": {
              "id": {"type": "string"},
              "author": {"type": "string"},
              "text": {"type": "string", "maxLength": 2000},
              "at": {"type": "integer", "description": "Milliseconds since 1970."}
            }
          },
          "Confirmation": {
            "type": "object",
            "required": ["id", "at"],
            "properties": {"id": {"type": "string"}, "at": {"type": "integer"}}
          },
          "FieldName": {
            "type": "string",
            "enum": ["county", "location", "description", "pillar", "created_at", "event_at", "time_of_day", "days_of_week", "category_version", "unit", "card", "handover", "read_at", "verified_at", "garrison", "category", "hidden", "duplicate_of", "duplicated_by"]
          },
          "Fields": {
            "type": "object",
            "description": "Plain fields written, each a last-writer-wins register, by field name.",
            "propertyNames": {"$ref": "#/components/schemas/FieldName"},
            "additionalProperties": {"$ref": "#/components/schemas/Register"}
          },
          "Change": {
            "type": "object",
            "description": "One write at one site: the unit of sync (DESIGN §3–§4).",
            "required": ["report_id", "garrison", "origin", "kind", "fields", "notes", "confirmations"],
            "properties": {
              "report_id": {"type": "string", "description": "The report's UUIDv7."},
              "garrison": {"type": "string", "description": "The tenant the change is filed under (`02`…`32`, `KSP`)."},
              "origin": {"type": "string", "description": "The site that made the change."},
              "kind": {"type": "string", "enum": ["create", "update", "restore"]},
              "fields": {"$ref": "#/components/schemas/Fields"},
              "status": {"$ref": "#/components/schemas/StatusRegister"},
              "notes": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
              "confirmations": {"type": "array", "items": {"$ref": "#/components/schemas/Confirmation"}},
              "tombstone": {"$ref": "#/components/schemas/Stamp"}
            }
          },
          "ReportState": {
            "type": "object",
            "description": "The merged state of one report (keys as GarrisonCore's `ReportState` encodes them).",
            "required": ["reportID", "fields", "notes", "confirmations"],
            "properties": {
              "reportID": {"type": "string"},
              "fields": {"$ref": "#/components/schemas/Fields"},
              "status": {"$ref": "#/components/schemas/StatusRegister"},
              "notes": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Note"}},
              "confirmations": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Confirmation"}},
              "tombstone": {"$ref": "#/components/schemas/Stamp"}
            }
          },
          "HubIdentity": {
            "type": "object",
            "description": "Who the hub is: a node seeing another identity re-syncs (DESIGN §4).",
            "required": ["system_id", "timeline"],
            "properties": {"system_id": {"type": "string"}, "timeline": {"type": "integer"}}
          },
          "Reason": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}
          },
          "ConflictRecord": {
            "type": "object",
            "required": ["id", "report_id", "garrison", "field", "winner", "loser", "rule", "detected_at"],
            "properties": {
              "id": {"type": "string"},
              "report_id": {"type": "string"},
              "garrison": {"type": "string"},
              "field": {"type": "string", "description": "A field name or `status`."},
              "winner": {"$ref": "#/components/schemas/ConflictSide"},
              "loser": {"$ref": "#/components/schemas/ConflictSide"},
              "rule": {"type": "string", "enum": ["last_writer_wins", "status_register"]},
              "detected_at": {"type": "integer"}
            }
          },
          "ConflictSide": {
            "type": "object",
            "required": ["value", "stamp"],
            "properties": {"value": {"$ref": "#/components/schemas/Value"}, "stamp": {"$ref": "#/components/schemas/Stamp"}}
          },
          "Category": {
            "type": "object",
            "required": ["id", "name", "visibility", "active"],
            "properties": {
              "id": {"type": "integer"},
              "name": {"type": "string"},
              "visibility": {"type": "string", "enum": ["always", "confirmed", "never"]},
              "active": {"type": "boolean", "description": "Whether new reports may use it; retired categories stay listed."}
            }
          },
          "Catalogue": {
            "type": "object",
            "required": ["version", "categories"],
            "properties": {
              "version": {"type": "integer", "minimum": 1},
              "categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}}
            }
          }
        }
      }
    }
    """#
}
