// The codes garrison gives, by concern. A new refusal gets a new code here; an existing code never changes meaning.

/// The values of a report or a change (the validator, DESIGN §2–§3): answered 422 at the units' API and the intake, quarantined when pushed.
extension ProblemCode {
    public static let descriptionTooLong = ProblemCode(rawValue: "description_too_long")
    public static let emptyChange = ProblemCode(rawValue: "empty_change")
    public static let garrisonMismatch = ProblemCode(rawValue: "garrison_mismatch")
    public static let invalidCard = ProblemCode(rawValue: "invalid_card")
    public static let invalidCatalogue = ProblemCode(rawValue: "invalid_catalogue")
    public static let invalidCoordinates = ProblemCode(rawValue: "invalid_coordinates")
    public static let invalidDescription = ProblemCode(rawValue: "invalid_description")
    public static let invalidEpoch = ProblemCode(rawValue: "invalid_epoch")
    public static let invalidId = ProblemCode(rawValue: "invalid_id")
    public static let invalidNote = ProblemCode(rawValue: "invalid_note")
    public static let invalidRegistry = ProblemCode(rawValue: "invalid_registry")
    public static let invalidSite = ProblemCode(rawValue: "invalid_site")
    public static let invalidStamp = ProblemCode(rawValue: "invalid_stamp")
    public static let invalidTeryt = ProblemCode(rawValue: "invalid_teryt")
    public static let invalidText = ProblemCode(rawValue: "invalid_text")
    public static let invalidTime = ProblemCode(rawValue: "invalid_time")
    public static let invalidTransition = ProblemCode(rawValue: "invalid_transition")
    public static let invalidUnit = ProblemCode(rawValue: "invalid_unit")
    public static let locationOutsideCounty = ProblemCode(rawValue: "location_outside_county")
    public static let missingField = ProblemCode(rawValue: "missing_field")
    public static let outsidePoland = ProblemCode(rawValue: "outside_poland")
    public static let reportExists = ProblemCode(rawValue: "report_exists")
    public static let retiredCategory = ProblemCode(rawValue: "retired_category")
    public static let stampInFuture = ProblemCode(rawValue: "stamp_in_future")
    public static let textTooLong = ProblemCode(rawValue: "text_too_long")
    public static let textTooShort = ProblemCode(rawValue: "text_too_short")
    public static let tooManyItems = ProblemCode(rawValue: "too_many_items")
    public static let unitOfOtherGarrison = ProblemCode(rawValue: "unit_of_other_garrison")
    public static let unknownCatalogueVersion = ProblemCode(rawValue: "unknown_catalogue_version")
    public static let unknownCategory = ProblemCode(rawValue: "unknown_category")
    public static let unknownCounty = ProblemCode(rawValue: "unknown_county")
    public static let unknownGarrison = ProblemCode(rawValue: "unknown_garrison")
    public static let unknownReport = ProblemCode(rawValue: "unknown_report")
    public static let wrongGarrison = ProblemCode(rawValue: "wrong_garrison")
}

/// Who may write what (DESIGN §6): sites, garrisons, roles and fields a sender does not own.
extension ProblemCode {
    public static let coordinatorOnly = ProblemCode(rawValue: "coordinator_only")
    public static let crossTenant = ProblemCode(rawValue: "cross_tenant")
    public static let foreignSite = ProblemCode(rawValue: "foreign_site")
    public static let nationalOnly = ProblemCode(rawValue: "national_only")
    public static let outsideUnit = ProblemCode(rawValue: "outside_unit")
    public static let reservedSite = ProblemCode(rawValue: "reserved_site")
    public static let unauthorizedField = ProblemCode(rawValue: "unauthorized_field")
    public static let useHandover = ProblemCode(rawValue: "use_handover")
    public static let wrongRole = ProblemCode(rawValue: "wrong_role")
}

/// The shape of a message: bodies, batches, answers and query parameters that do not parse or break their bounds.
extension ProblemCode {
    public static let badRequest = ProblemCode(rawValue: "bad_request")
    public static let invalidField = ProblemCode(rawValue: "invalid_field")
    public static let invalidParameter = ProblemCode(rawValue: "invalid_parameter")
    public static let invalidSequence = ProblemCode(rawValue: "invalid_sequence")
    public static let malformedAnswer = ProblemCode(rawValue: "malformed_answer")
    public static let malformedChange = ProblemCode(rawValue: "malformed_change")
    public static let malformedJson = ProblemCode(rawValue: "malformed_json")
    public static let methodNotAllowed = ProblemCode(rawValue: "method_not_allowed")
    public static let missingParameter = ProblemCode(rawValue: "missing_parameter")
    public static let notFound = ProblemCode(rawValue: "not_found")
    public static let tooLarge = ProblemCode(rawValue: "too_large")
}

/// Credentials: client certificates, unit tokens, enrollment tokens and the intake's device credentials.
extension ProblemCode {
    public static let certificateRevoked = ProblemCode(rawValue: "certificate_revoked")
    public static let credentialRequired = ProblemCode(rawValue: "credential_required")
    public static let forbidden = ProblemCode(rawValue: "forbidden")
    public static let invalidCredential = ProblemCode(rawValue: "invalid_credential")
    public static let invalidToken = ProblemCode(rawValue: "invalid_token")
    public static let issuanceLimit = ProblemCode(rawValue: "issuance_limit")
    public static let noCertificate = ProblemCode(rawValue: "no_certificate")
    public static let noIdentity = ProblemCode(rawValue: "no_identity")
    public static let nodeIdTaken = ProblemCode(rawValue: "node_id_taken")
    public static let tokenExpired = ProblemCode(rawValue: "token_expired")
    public static let tokenRequired = ProblemCode(rawValue: "token_required")
    public static let tokenUsed = ProblemCode(rawValue: "token_used")
    public static let unauthorized = ProblemCode(rawValue: "unauthorized")
    public static let unreadableCertificate = ProblemCode(rawValue: "unreadable_certificate")
}

/// Outages and internal failures: 5xx, with `Retry-After` where waiting helps.
extension ProblemCode {
    public static let databaseTimeout = ProblemCode(rawValue: "database_timeout")
    public static let databaseUnreachable = ProblemCode(rawValue: "database_unreachable")
    public static let hubStarting = ProblemCode(rawValue: "hub_starting")
    public static let hubStopping = ProblemCode(rawValue: "hub_stopping")
    public static let hubUnreachable = ProblemCode(rawValue: "hub_unreachable")
    public static let internalError = ProblemCode(rawValue: "internal_error")
    public static let migrationsPending = ProblemCode(rawValue: "migrations_pending")
    public static let refusedByDatabase = ProblemCode(rawValue: "refused_by_database")
    public static let unavailable = ProblemCode(rawValue: "unavailable")
}

/// The administrators' API: conflicts, quarantine, rollout phases and enrollment.
extension ProblemCode {
    public static let alreadyLive = ProblemCode(rawValue: "already_live")
    public static let alreadyResolved = ProblemCode(rawValue: "already_resolved")
    public static let cannotOverride = ProblemCode(rawValue: "cannot_override")
    public static let catalogueVersion = ProblemCode(rawValue: "catalogue_version")
    public static let categoryRemoved = ProblemCode(rawValue: "category_removed")
    public static let garrisonPlanned = ProblemCode(rawValue: "garrison_planned")
    public static let garrisonSuspended = ProblemCode(rawValue: "garrison_suspended")
    public static let gateFailed = ProblemCode(rawValue: "gate_failed")
    public static let invalidAction = ProblemCode(rawValue: "invalid_action")
    public static let invalidGarrison = ProblemCode(rawValue: "invalid_garrison")
    public static let invalidRole = ProblemCode(rawValue: "invalid_role")
    public static let invalidTtl = ProblemCode(rawValue: "invalid_ttl")
    public static let notCoveredYet = ProblemCode(rawValue: "not_covered_yet")
    public static let reasonRequired = ProblemCode(rawValue: "reason_required")
    public static let stillRefused = ProblemCode(rawValue: "still_refused")
    public static let suspended = ProblemCode(rawValue: "suspended")
    public static let unknownConflict = ProblemCode(rawValue: "unknown_conflict")
    public static let unknownQuarantine = ProblemCode(rawValue: "unknown_quarantine")
}

/// The citizens' intake (pillar 3): daily limits and where a report lies.
extension ProblemCode {
    public static let addressLimit = ProblemCode(rawValue: "address_limit")
    public static let countyMismatch = ProblemCode(rawValue: "county_mismatch")
    public static let countyRequired = ProblemCode(rawValue: "county_required")
    public static let dailyLimit = ProblemCode(rawValue: "daily_limit")
    public static let invalidCounty = ProblemCode(rawValue: "invalid_county")
    public static let locationRequired = ProblemCode(rawValue: "location_required")
    public static let noClientAddress = ProblemCode(rawValue: "no_client_address")
}

/// The units' API of a node.
extension ProblemCode {
    public static let alreadyThere = ProblemCode(rawValue: "already_there")
    public static let idempotencyKeyReused = ProblemCode(rawValue: "idempotency_key_reused")
    public static let invalidIdempotencyKey = ProblemCode(rawValue: "invalid_idempotency_key")
    public static let invalidPillar = ProblemCode(rawValue: "invalid_pillar")
    public static let unknownStatus = ProblemCode(rawValue: "unknown_status")
    public static let unknownUnit = ProblemCode(rawValue: "unknown_unit")
}

/// The deployment's PKI: certificates, signing requests and the revocation list.
extension ProblemCode {
    public static let invalidAddress = ProblemCode(rawValue: "invalid_address")
    public static let invalidCsr = ProblemCode(rawValue: "invalid_csr")
    public static let invalidIdentity = ProblemCode(rawValue: "invalid_identity")
    public static let invalidRevocationList = ProblemCode(rawValue: "invalid_revocation_list")
    public static let keyMismatch = ProblemCode(rawValue: "key_mismatch")
    public static let unreadablePem = ProblemCode(rawValue: "unreadable_pem")
    public static let unreadableRevocationList = ProblemCode(rawValue: "unreadable_revocation_list")
}

extension ProblemCode {
    /// The code of an answer that has none of its own (a router's refusal, a proxy's page): `http_<status>`.
    public static func http(_ status: Int) -> ProblemCode { ProblemCode(rawValue: "http_\(status)") }
}
