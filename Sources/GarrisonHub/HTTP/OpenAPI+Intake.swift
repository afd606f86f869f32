extension HubOpenAPI {
    /// `IntakeRoutes` (DESIGN §6, pillar 3): the citizens' public intake. The device credential
    /// (`POST /v1/public/devices`, `Authorization: Device <token>` on a report) is added by issue 13 and marked
    /// `x-added-by: issue-13`.
    static let intake = #"""
    {
      "paths": {
        "/healthz": {
          "get": {"tags": ["ops"], "operationId": "healthz", "summary": "The process answers", "responses": {"200": {"$ref": "#/components/responses/Health"}}}
        },
        "/v1/public/devices": {
          "post": {
            "tags": ["intake"], "operationId": "registerDevice", "x-added-by": "issue-13",
            "summary": "A device credential signed by the hub, for the one-report-per-device-per-day rule",
            "description": "The app asks once and keeps the token; reports carry it as `Authorization: Device <token>`. Rate-limited per client address (`intake.credentials_per_address_per_day`, the address taken from X-Forwarded-For only behind the trusted proxies): 429 `issuance_limit` with `Retry-After`.",
            "responses": {
              "201": {"description": "The credential.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeviceCredential"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "429": {"$ref": "#/components/responses/TooManyRequests"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        },
        "/v1/public/reports": {
          "post": {
            "tags": ["intake"], "operationId": "submitReport",
            "summary": "A citizen's report, routed to its county's garrison",
            "description": "One report per device credential per Warsaw day (429 `daily_limit`) and `intake.reports_per_address_per_day` per client address (429 `address_limit`), each 429 with `Retry-After`; devices and addresses are kept only as hashes and the answer never says who reported. A garrison not in pilot or live answers 409 `not_covered_yet`. Without a credential 401 `credential_required`, with a forged one 401 `invalid_credential` (issue 13).",
            "parameters": [{"name": "Authorization", "in": "header", "required": true, "x-added-by": "issue-13", "description": "`Device <token>` with the token from `POST /v1/public/devices`.", "schema": {"type": "string", "pattern": "^Device [A-Za-z0-9_-]+$"}}],
            "requestBody": {"required": true, "content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/Submission"},
              "example": {"category": 7, "description": "Dziura w jezdni przy przejściu", "county": "2061", "time_of_day": "evening"}
            }}},
            "responses": {
              "201": {"description": "Accepted.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"},
              "429": {"$ref": "#/components/responses/TooManyRequests"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      },
      "components": {
        "schemas": {
          "DeviceCredential": {
            "type": "object", "x-added-by": "issue-13", "required": ["token"],
            "properties": {"token": {"type": "string", "minLength": 1, "description": "Opaque, signed by the hub (base64url)."}}
          },
          "Submission": {
            "type": "object",
            "required": ["category", "description"],
            "properties": {
              "category": {"type": "integer", "description": "A category of the newest catalogue (422 `unknown_category`, `retired_category`)."},
              "description": {"type": "string", "minLength": 1, "maxLength": 500},
              "location": {
                "type": "object", "required": ["lat", "lon"], "description": "The pin on the map; required when the hub routes by point (`intake.counties`, 422 `location_required`).",
                "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180}}
              },
              "county": {"type": "string", "pattern": "^[0-9]{4}$", "description": "The county's TERYT code: how the report is routed when the hub has no boundaries (422 `county_required`, `invalid_county`, `unknown_county`); with boundaries it must agree with the point (422 `county_mismatch`)."},
              "event_at": {"type": "integer", "minimum": 1, "description": "When it happens, ms since 1970."},
              "time_of_day": {"type": "string", "enum": ["morning", "day", "evening", "night", "always"]}
            }
          },
          "Receipt": {
            "type": "object", "required": ["id", "garrison", "county"],
            "properties": {
              "id": {"type": "string", "description": "The report's UUIDv7, to follow its public status."},
              "garrison": {"type": "string"}, "county": {"type": "string", "pattern": "^[0-9]{4}$"}
            }
          }
        }
      }
    }
    """#
}
