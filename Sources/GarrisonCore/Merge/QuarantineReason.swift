/// Why a change was set aside instead of applied: a stable code and a message. The batch around it applies;
/// an administrator can inspect, retry or drop it (DESIGN §3).
public struct QuarantineReason: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Stable code, e.g. `"cross_tenant"`, `"unauthorized_field"`, or a `ValidationError` code.
    public let code: ProblemCode
    public let message: String

    public init(code: ProblemCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The sender wrote to another garrison's report.
    public static func crossTenant(_ principal: Principal, garrison: GarrisonCode) -> Self {
        .init(code: .crossTenant, message: "\(principal) may not write reports of garrison \(garrison)")
    }

    /// The sender wrote a field its role does not own.
    public static func unauthorizedField(_ principal: Principal, _ field: String) -> Self {
        .init(code: .unauthorizedField, message: "the \(principal.role.rawValue) role does not own \"\(field)\"")
    }

    /// An update to a report this replica has never seen.
    public static func unknownReport(_ id: String) -> Self {
        .init(code: .unknownReport, message: "report \(id) does not exist here (an update cannot create it)")
    }

    /// A creation for an id that already holds another report.
    public static func reportExists(_ id: String) -> Self {
        .init(code: .reportExists, message: "report \(id) already exists with a different creation")
    }

    /// The change failed validation.
    public static func invalid(_ error: ValidationError) -> Self {
        .init(code: error.code, message: error.description)
    }
}
