extension NodeOpenAPI {
    /// `GET /v1/stats` (staff) and `GET /v1/public/stats` (no token; live garrisons only, hidden reports left out),
    /// read from the pre-aggregated cells, as JSON or CSV.
    static let statistics = #"""
    {
      "paths": {
        "/v1/stats": {"get": {
          "tags": ["statistics"], "operationId": "statistics", "summary": "Statistics: counts by garrison, county, category, status and period; deadlines; trend",
          "parameters": [{"$ref": "#/components/parameters/StatsFrom"}, {"$ref": "#/components/parameters/StatsTo"}, {"$ref": "#/components/parameters/StatsPeriod"}, {"$ref": "#/components/parameters/StatsGarrison"}, {"$ref": "#/components/parameters/StatsFormat"}],
          "responses": {
            "200": {"$ref": "#/components/responses/Statistics"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}
          }
        }},
        "/v1/public/stats": {"get": {
          "tags": ["statistics"], "operationId": "publicStatistics", "summary": "The public statistics: pilot garrisons and hidden reports left out",
          "security": [],
          "parameters": [{"$ref": "#/components/parameters/StatsFrom"}, {"$ref": "#/components/parameters/StatsTo"}, {"$ref": "#/components/parameters/StatsPeriod"}, {"$ref": "#/components/parameters/StatsGarrison"}, {"$ref": "#/components/parameters/StatsFormat"}],
          "responses": {
            "200": {"$ref": "#/components/responses/Statistics"},
            "400": {"$ref": "#/components/responses/BadRequest"}
          }
        }}
      },
      "components": {
        "parameters": {
          "StatsFrom": {"name": "from", "in": "query", "description": "ms since 1970, below `to` (365 days before `to` by default); widened to whole days of Polish time.", "schema": {"type": "integer", "minimum": 0, "maximum": 253402300799999}},
          "StatsTo": {"name": "to", "in": "query", "description": "ms since 1970, exclusive (now by default), at most the end of year 9999.", "schema": {"type": "integer", "minimum": 1, "maximum": 253402300800000}},
          "StatsPeriod": {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["day", "week", "month"], "default": "month"}},
          "StatsGarrison": {"name": "garrison", "in": "query", "description": "One of the 17 garrisons only.", "schema": {"type": "string", "enum": ["02", "04", "06", "08", "10", "12", "14", "16", "18", "20", "22", "24", "26", "28", "30", "32", "KSP"]}},
          "StatsFormat": {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}}
        },
        "responses": {
          "Statistics": {
            "description": "The figures.",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Statistics"}},
              "text/csv": {"schema": {"type": "string"}}
            }
          }
        },
        "schemas": {
          "Share": {"type": "number", "minimum": 0, "maximum": 1},
          "Count": {"type": "object", "required": ["key", "reports"], "properties": {"key": {"type": "string"}, "name": {"type": "string"}, "reports": {"type": "integer", "minimum": 0}}},
          "DeadlineFigures": {
            "type": "object", "required": ["measured"],
            "properties": {
              "median_hours": {"type": "number", "minimum": 0}, "p90_hours": {"type": "number", "minimum": 0},
              "on_time_share": {"$ref": "#/components/schemas/Share"}, "measured": {"type": "integer", "minimum": 0}
            }
          },
          "Statistics": {
            "type": "object",
            "required": ["generated_at", "from", "to", "period", "public", "excluded_garrisons", "reports", "garrisons", "units", "by_county", "by_category", "by_status", "by_period", "deadline_bucket_hours", "deadline_max_hours"],
            "properties": {
              "generated_at": {"type": "integer"}, "from": {"type": "integer"}, "to": {"type": "integer"},
              "period": {"type": "string", "enum": ["day", "week", "month"]},
              "public": {"type": "boolean"},
              "excluded_garrisons": {"type": "array", "items": {"type": "string"}},
              "reports": {"type": "integer", "minimum": 0},
              "confirmed_share": {"$ref": "#/components/schemas/Share"},
              "garrisons": {"type": "array", "items": {
                "type": "object", "required": ["garrison", "pilot", "reports", "read", "verify"],
                "properties": {
                  "garrison": {"type": "string"}, "phase": {"type": "string", "enum": ["planned", "pilot", "live", "suspended"]}, "pilot": {"type": "boolean"},
                  "reports": {"type": "integer", "minimum": 0}, "confirmed_share": {"$ref": "#/components/schemas/Share"},
                  "read": {"$ref": "#/components/schemas/DeadlineFigures"}, "verify": {"$ref": "#/components/schemas/DeadlineFigures"},
                  "lag_ms": {"type": "integer", "description": "Hub commit to national apply of the garrison's latest change."}
                }
              }},
              "units": {"type": "array", "items": {
                "type": "object", "required": ["garrison", "unit", "reports", "read", "verify"],
                "properties": {
                  "garrison": {"type": "string"}, "unit": {"type": "string"}, "reports": {"type": "integer", "minimum": 0},
                  "read": {"$ref": "#/components/schemas/DeadlineFigures"}, "verify": {"$ref": "#/components/schemas/DeadlineFigures"}
                }
              }},
              "by_county": {"type": "array", "items": {"$ref": "#/components/schemas/Count"}},
              "by_category": {"type": "array", "items": {"$ref": "#/components/schemas/Count"}},
              "by_status": {"type": "array", "items": {"$ref": "#/components/schemas/Count"}},
              "by_period": {"type": "array", "items": {"$ref": "#/components/schemas/Count"}},
              "trend": {"type": "object", "required": ["month", "reports", "previous_month", "previous"], "properties": {
                "month": {"type": "string"}, "reports": {"type": "integer"}, "previous_month": {"type": "string"}, "previous": {"type": "integer"},
                "change": {"type": "number", "description": "(reports − previous) ÷ previous; absent when the previous month had none."}
              }},
              "deadline_bucket_hours": {"type": "integer", "minimum": 1},
              "deadline_max_hours": {"type": "integer", "minimum": 1}
            }
          }
        }
      }
    }
    """#
}
