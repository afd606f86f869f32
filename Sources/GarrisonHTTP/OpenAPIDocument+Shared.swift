extension OpenAPIDocument {
    /// What every listener's document holds: the problem+json schema (RFC 9457 with the stable `code`), one
    /// response per error status answered with it, and the liveness answer.
    public static let sharedComponents = #"""
    {
      "components": {
        "schemas": {
          "Problem": {
            "type": "object",
            "description": "An error (RFC 9457). `code` is stable across releases: scripts and nodes switch on it.",
            "required": ["type", "title", "status", "code", "detail", "instance"],
            "properties": {
              "type": {"type": "string", "format": "uri", "description": "https://garrison.invalid/problems/<code>"},
              "title": {"type": "string", "description": "The status' reason phrase."},
              "status": {"type": "integer", "minimum": 400, "maximum": 599},
              "code": {"type": "string", "pattern": "^[a-z0-9_]+$", "examples": ["malformed_json", "too_large", "unknown_garrison"]},
              "detail": {"type": "string", "description": "What went wrong, for people."},
              "instance": {"type": "string", "description": "The request's path."}
            }
          },
          "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "const": "ok"}}
          }
        },
        "responses": {
          "BadRequest": {
            "description": "Malformed JSON (`malformed_json`), a body of the wrong shape, text holding U+0000 (`invalid_character`), or an invalid parameter (`invalid_parameter`, `bad_request`).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "Unauthorized": {
            "description": "No or an unknown credential.",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "Forbidden": {
            "description": "The caller may not do this (`wrong_role`, `cross_tenant`, `garrison_planned`, `garrison_suspended`, `certificate_revoked`, …).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "NotFound": {
            "description": "No such thing (`not_found` for an unknown path, `unknown_garrison`, `unknown_report`, …).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "Conflict": {
            "description": "The request conflicts with the current state.",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "TooLarge": {
            "description": "The body or batch is over the listener's limit (`too_large`).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "Unprocessable": {
            "description": "Well-formed but invalid content (a validation rule's code, e.g. `invalid_field`, `outside_poland`).",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "TooManyRequests": {
            "description": "A rate or daily limit was reached (`daily_limit`); `Retry-After` says when to try again.",
            "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 0}}},
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "Unavailable": {
            "description": "A dependency is unreachable (`unavailable`, `database_unreachable`, `hub_unreachable`); retry later.",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
          },
          "Health": {
            "description": "The process answers.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
          }
        }
      }
    }
    """#
}
