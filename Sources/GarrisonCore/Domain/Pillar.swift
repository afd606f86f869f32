/// Where a report's information came from: the three pillars of KMZB.
public enum Pillar: String, Codable, CaseIterable, Hashable, Sendable {
    /// 1: records the Police already hold in their IT systems.
    case policeSystems = "police_systems"
    /// 2: society in person — direct contacts with citizens, local government, NGOs, and public safety debates.
    case directContact = "direct_contact"
    /// 3: citizens online, through the public platform (the hub's intake).
    case citizensOnline = "citizens_online"
}
