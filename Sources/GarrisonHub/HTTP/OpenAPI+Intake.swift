extension HubOpenAPI {
    /// `IntakeRoutes` (DESIGN §6, pillar 3): the citizens' public intake. The device credential
    /// (`POST /v1/public/devices`, `device_token` in a report) is added by issue 13 and marked
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
            "description": "The app asks once and keeps the token; reports carry it as `device_token`. Rate-limited per client address behind the trusted proxies (429 with `Retry-After`).",
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
            "description": "One report per device per day (429 `daily_limit`); the device is kept only as a hash and the answer never says who reported. A garrison not in pilot or live answers 409 `not_covered_yet`. Without or with a forged `device_token`: 401 (issue 13).",
            "requestBody": {"required": true, "content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/Submission"},
              "example": {"device_id": "app-7f3c9a2e", "device_token": "dt_example", "category": 7, "description": "Dziura w jezdni przy przejściu", "county": "2061", "time_of_day": "evening"}
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
            "type": "object", "x-added-by": "issue-13", "required": ["device_token"],
            "properties": {"device_token": {"type": "string", "minLength": 1, "description": "Opaque, signed by the hub."}}
          },
          "Submission": {
            "type": "object",
            "required": ["device_id", "device_token", "category", "description"],
            "properties": {
              "device_token": {"type": "string", "minLength": 1, "x-added-by": "issue-13", "description": "The credential from `POST /v1/public/devices`."},
              "device_id": {"type": "string", "minLength": 8, "maxLength": 128, "description": "The app's own device id (400 `invalid_device` outside 8–128 characters)."},
              "category": {"type": "integer", "description": "A category of the newest catalogue (422 `unknown_category`, `retired_category`)."},
              "description": {"type": "string", "minLength": 1, "maxLength": 500},
              "location": {
                "type": "object", "required": ["lat", "lon"], "description": "The pin on the map; required when the hub routes by point (`intake.counties`, 422 `location_required`).",
                "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180}}
              },
              "county": {"type": "string", "pattern": "^[0-9]{4}$", "description": "The county's TERYT code, when the hub has no boundaries (422 `county_required`, `invalid_county`, `unknown_county`)."},
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
