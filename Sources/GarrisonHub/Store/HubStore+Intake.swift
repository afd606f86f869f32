import Foundation
import GarrisonCore
import GarrisonHTTP
import Logging
import PostgresNIO

extension HubStore {
    /// The principal the citizens' intake writes as (DESIGN §3: it may create pillar-3 reports only).
    static let intake = Principal(role: .intake, site: SiteID(rawValue: "intake"))

    /// The intake's daily limits for one request, counted in the database so that every hub process on it
    /// shares them (DESIGN §9). Counts are per Warsaw day.
    struct IntakeLimits: Sendable {
        /// The device id from the hub-signed credential (stored only as a SHA-256).
        var deviceID: String
        /// The keyed hash of the client's address (see `DeviceCredentials.addressHash`).
        var addressHash: String
        var perDevice: Int
        var perAddress: Int
        var day: WarsawDay
    }

    /// Stores a citizen's report made by `make` with the hub's clock, in one transaction with the daily counts: a
    /// garrison not in pilot or live is refused (409 `not_covered_yet`), an address past its reports for the day
    /// (429 `address_limit`) or a device past its own (429 `daily_limit`) is refused, and then nothing is stored
    /// or counted. The report is validated and merged like any change and goes to its garrison's feed.
    func intake(
        garrison: GarrisonCode, limits: IntakeLimits, nowMillis: Int64, _ make: @Sendable (inout ReportWriter) -> Change
    ) async throws -> ReportState {
        let device = Self.sha256Hex("device:" + limits.deviceID)
        let day = limits.day.description
        let change = clock.withLock { clock -> Change in
            // The intake's own site, never behind anything the hub has seen.
            var intakeClock = HybridClock(site: Self.intake.site)
            _ = intakeClock.observe(clock.last, physicalMillis: nowMillis)
            var writer = ReportWriter(clock: intakeClock)
            let change = make(&writer)
            _ = clock.observe(writer.clock.last, physicalMillis: nowMillis)
            return change
        }
        return try await transaction(as: .garrison(garrison)) { connection in
            var phase: RolloutPhase?
            for try await text in try await connection.query(
                "SELECT phase FROM garrisons WHERE code = \(garrison.rawValue)", logger: self.logger
            ).decode(String.self) {
                phase = RolloutPhase(rawValue: text)
            }
            guard phase?.syncs == true else {
                throw Problem.conflict(.notCoveredYet, "the threat map does not cover garrison \(garrison) yet")
            }
            let fromAddress = try await Self.countAddress(
                purpose: "reports", limits.addressHash, day: day, on: connection, logger: self.logger)
            guard fromAddress <= limits.perAddress else {
                throw Problem(.tooManyRequests, code: .addressLimit,
                    detail: "this address has sent its \(limits.perAddress) report(s) for today; try again tomorrow")
            }
            var count = 0
            for try await reports in try await connection.query(
                """
                INSERT INTO intake_devices (device_sha256, day, reports) VALUES (\(device), \(day)::date, 1)
                ON CONFLICT (device_sha256, day) DO UPDATE SET reports = intake_devices.reports + 1
                RETURNING reports
                """, logger: self.logger
            ).decode(Int.self) {
                count = reports
            }
            guard count <= limits.perDevice else {
                throw Problem(.tooManyRequests, code: .dailyLimit,
                    detail: "this device has sent its \(limits.perDevice) report(s) for today; try again tomorrow")
            }
            let plan = self.applier.planSingle(change, from: Self.intake, current: nil, nowMillis: nowMillis)
            if let refused = plan.quarantined.first {
                throw Problem(.unprocessableContent, code: refused.reason.code, detail: refused.reason.message)
            }
            guard let state = plan.states[change.reportID] else {
                throw HubStoreError(description: "the intake's report \(change.reportID) was not planned")
            }
            let writer = PlanWriter()
            let collisions = try await writer.write(plan, current: [:], sender: .init(principal: Self.intake), on: connection, logger: self.logger)
            guard collisions.isEmpty else { throw Problem.conflict(.reportExists, "report \(change.reportID) exists") }
            try await writer.appendFeed(plan, on: connection, logger: self.logger)
            return state
        }
    }

    /// Counts one credential issued to an address today; past `perDay` it is refused (429 `issuance_limit`) and
    /// not counted. The credential itself is not stored: its signature is what the hub checks.
    func countIssuance(addressHash: String, perDay: Int, day: WarsawDay) async throws {
        try await transaction(as: .all) { connection in
            let issued = try await Self.countAddress(
                purpose: "credentials", addressHash, day: day.description, on: connection, logger: self.logger)
            guard issued <= perDay else {
                throw Problem(.tooManyRequests, code: .issuanceLimit,
                    detail: "this address has been given its \(perDay) device credential(s) for today; try again tomorrow")
            }
        }
    }

    /// Adds one to an address's count of `purpose` today and returns the new count.
    private static func countAddress(
        purpose: String, _ addressHash: String, day: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        var count = 0
        for try await value in try await connection.query(
            """
            INSERT INTO intake_addresses (purpose, address_hash, day, count) VALUES (\(purpose), \(addressHash), \(day)::date, 1)
            ON CONFLICT (purpose, address_hash, day) DO UPDATE SET count = intake_addresses.count + 1
            RETURNING count
            """, logger: logger
        ).decode(Int.self) {
            count = value
        }
        return count
    }

    /// The intake secret kept in the database, made now (32 random bytes) if no hub has made it yet; concurrent
    /// first calls from several hubs all end up with the one row that won.
    func intakeSecret() async throws -> IntakeSecret {
        var random = SystemRandomNumberGenerator()
        let fresh = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }).base64EncodedString()
        let stored = try await transaction(as: .all) { connection -> String? in
            try await connection.query(
                "INSERT INTO intake_secret (id, secret) VALUES (1, \(fresh)) ON CONFLICT (id) DO NOTHING", logger: self.logger)
            for try await secret in try await connection.query("SELECT secret FROM intake_secret WHERE id = 1", logger: self.logger)
                .decode(String.self)
            {
                return secret
            }
            return nil
        }
        guard let stored, let bytes = Data(base64Encoded: stored), bytes.count >= IntakeSecret.minimumBytes else {
            throw HubStoreError(description: "the stored intake secret is missing or unreadable")
        }
        return IntakeSecret(bytes: Array(bytes))
    }

    /// Forgets the intake's counts of days before the current Warsaw day (nothing of them is needed once the day
    /// is over).
    public func forgetIntakeDevices() async throws {
        let today = WarsawDay(containing: Date()).description
        _ = try await transaction(as: .all) { connection in
            try await connection.query("DELETE FROM intake_devices WHERE day < \(today)::date", logger: self.logger)
            try await connection.query("DELETE FROM intake_addresses WHERE day < \(today)::date", logger: self.logger)
        }
    }
}
