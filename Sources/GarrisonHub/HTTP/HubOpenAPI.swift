import GarrisonHTTP

/// The OpenAPI 3.1 documents of the hub's listeners, each served at `GET /openapi.json` on its listener
/// (issue 13). The fragments beside this file describe the routes; `OpenAPIDocument` merges them.
enum HubOpenAPI {
    /// The mutual-TLS listener: sync, admin and ops.
    static let tls = OpenAPIDocument(
        title: "garrison hub: sync and admin API (mutual TLS)",
        description: "The hub's mutual-TLS listener (`listen.address`). Role, garrison and node id come from the client "
            + "certificate only (a `urn:garrison:<role>:<garrison>:<node>` alternative name); every error is problem+json.",
        fragments: [OpenAPIDocument.coreSchemas, sync, admin, ops, opsOverTLS, security(#"{"mutualTLS": {"type": "mutualTLS", "description": "A client certificate of the deployment CA naming role (node, national, admin), garrison and node id."}}"#, name: "mutualTLS")])

    /// The enrollment listener: TLS without a client certificate.
    static let enrollmentListener = OpenAPIDocument(
        title: "garrison hub: enrollment",
        description: "The enrollment listener (`enrollment.address`): TLS, no client certificate (the node has none yet); "
            + "the one-time token in the body is the credential.",
        fragments: [enrollment])

    /// The citizens' public intake: plain HTTP behind the operator's TLS proxy.
    static let intakeListener = OpenAPIDocument(
        title: "garrison hub: citizens' intake",
        description: "The public intake listener (`intake.address`, plain HTTP behind a TLS-terminating proxy): pillar 3.",
        fragments: [intake])

    /// The local ops listener: plain HTTP.
    static let opsListener = OpenAPIDocument(
        title: "garrison hub: operations",
        description: "The local ops listener (`ops.address`, plain HTTP): liveness, readiness, Prometheus metrics.",
        fragments: [ops])

    /// A fragment declaring one security scheme and requiring it everywhere.
    static func security(_ schemes: String, name: String) -> String {
        #"{"components": {"securitySchemes": \#(schemes)}, "security": [{"\#(name)": []}]}"#
    }
}
