extension NodeOpenAPI {
    /// The national HQ's actions (`NationalDesk`) and the catalogue: national tokens at the national node only
    /// (403 `national_only` elsewhere).
    static let national = #"""
    {
      "paths": {
        "/v1/reports/{id}/reassign": {"post": {
          "tags": ["national"], "operationId": "reassign", "summary": "Move a report to another garrison (409 `already_there`)",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["garrison"], "properties": {
            "garrison": {"type": "string", "examples": ["22"], "description": "422 `unknown_garrison` for a code that is none."}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/duplicate": {"post": {
          "tags": ["national"], "operationId": "linkDuplicate", "summary": "Link the report as a duplicate of another (`of: null` unlinks)",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "of": {"type": ["string", "null"], "description": "The original's id; itself is 422 `invalid_field`, an unknown one 404."}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/reports/{id}/hidden": {"post": {
          "tags": ["national"], "operationId": "hide", "summary": "Hide the report from public views, or show it again",
          "parameters": [{"$ref": "#/components/parameters/ReportID"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["hidden"], "properties": {
            "hidden": {"type": "boolean"}
          }}}}},
          "responses": {
            "200": {"$ref": "#/components/responses/Report"},
            "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}, "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"},
            "422": {"$ref": "#/components/responses/Unprocessable"}
          }
        }},
        "/v1/catalogue": {
          "get": {
            "tags": ["catalogue"], "operationId": "catalogue", "summary": "The newest category catalogue this node holds",
            "responses": {
              "200": {"description": "The catalogue.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Catalogue"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"}
            }
          },
          "post": {
            "tags": ["national"], "operationId": "publishCatalogue", "summary": "Publish the next catalogue version through the hub (national HQ staff)",
            "description": "Every earlier category stays listed (retire one with `active: false`); the hub must be reachable (503 `hub_unreachable`); the hub's refusals come back with its status and code.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["categories"], "properties": {
              "categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}}
            }}}}},
            "responses": {
              "201": {"description": "Published.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Catalogue"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}, "401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"},
              "409": {"$ref": "#/components/responses/Conflict"}, "413": {"$ref": "#/components/responses/TooLarge"}, "422": {"$ref": "#/components/responses/Unprocessable"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      }
    }
    """#
}
