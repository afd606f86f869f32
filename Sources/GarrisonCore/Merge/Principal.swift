/// Who sends a change: from the client certificate at the hub (DESIGN §6), never from the request body.
public struct Principal: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The role a certificate grants.
    public enum Role: String, Codable, Sendable, CaseIterable {
        /// A garrison's node: reads and writes its own garrison's reports.
        case node
        /// The national node: reads every garrison, writes only national-owned fields.
        case national
        /// The hub's citizens' intake: creates pillar-3 reports and adds confirmations.
        case intake
        /// An administrator: may override any field (conflict resolution), audited.
        case admin
    }

    public let role: Role
    /// The garrison of a node principal; nil for the other roles.
    public let garrison: GarrisonCode?
    /// The node's or tool's id (the certificate's node id), also its HLC site id.
    public let site: SiteID

    public init(role: Role, garrison: GarrisonCode? = nil, site: SiteID) {
        self.role = role
        self.garrison = garrison
        self.site = site
    }

    public var description: String {
        garrison.map { "\(role.rawValue):\($0):\(site)" } ?? "\(role.rawValue):\(site)"
    }
}
