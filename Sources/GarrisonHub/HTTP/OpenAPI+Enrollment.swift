extension HubOpenAPI {
    /// `EnrollmentRoutes` (DESIGN §7): a new node without a certificate presents a one-time token and a CSR.
    static let enrollment = #"""
    {
      "paths": {
        "/healthz": {
          "get": {"tags": ["ops"], "operationId": "healthz", "summary": "The process answers", "responses": {"200": {"$ref": "#/components/responses/Health"}}}
        },
        "/v1/enroll": {
          "post": {
            "tags": ["enrollment"], "operationId": "enroll", "summary": "Sign a new node's CSR with a one-time token",
            "description": "A wrong token is 401 `invalid_token`; a used, expired or other garrison's one 403 `token_used`, `token_expired`, `wrong_garrison`; a bad CSR 400 (`invalid_csr`, …). Every refusal is logged and counted.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["token", "csr"],
              "properties": {
                "token": {"type": "string", "description": "`<token id>.<secret>` from `POST /v1/admin/enrollment-tokens`."},
                "csr": {"type": "string", "description": "A PEM certificate signing request (PKCS #10) for the node's key."},
                "garrison": {"type": "string", "description": "The garrison the node is configured for; absent for the national node. Must be the token's."}
              }
            }}}},
            "responses": {
              "201": {"description": "The node's certificate.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrollmentResponse"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "503": {"$ref": "#/components/responses/Unavailable"}
            }
          }
        }
      },
      "components": {
        "schemas": {
          "EnrollmentResponse": {
            "type": "object", "required": ["certificate", "ca", "node_id", "role", "serial", "not_after"],
            "properties": {
              "certificate": {"type": "string", "description": "PEM."}, "ca": {"type": "string", "description": "The deployment CA to trust, PEM."},
              "node_id": {"type": "string"}, "role": {"type": "string", "enum": ["node", "national"]}, "garrison": {"type": "string"},
              "serial": {"type": "string"}, "not_after": {"type": "string", "format": "date-time"}
            }
          }
        }
      }
    }
    """#
}
