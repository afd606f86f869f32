import Foundation
import GarrisonCore
import GarrisonHTTP
import PostgresNIO

extension HubStore {
    /// The principal the citizens' intake writes as (DESIGN §3: it may create pillar-3 reports only).
    static let intake = Principal(role: .intake, site: SiteID(rawValue: "intake"))

    /// Stores a citizen's report made by `make` with the hub's clock, in one transaction with the device's daily
    /// count: a garrison not in pilot or live is refused (409 `not_covered_yet`), a device past `perDay` reports
    /// today is refused (429 `daily_limit`), and nothing is stored. The report
    /// is validated and merged like any change and goes to its garrison's feed. Only a hash of the device is kept.
    public func intake(
        garrison: GarrisonCode, deviceID: String, perDay: Int, nowMillis: Int64,
        _ make: @Sendable (inout ReportWriter) -> Change
    ) async throws -> ReportState {
        let device = Self.sha256Hex("device:" + deviceID)
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
                throw Problem.conflict("not_covered_yet", "the threat map does not cover garrison \(garrison) yet")
            }
            var count = 0
            for try await reports in try await connection.query(
                """
                INSERT INTO intake_devices (device_sha256, day, reports) VALUES (\(device), CURRENT_DATE, 1)
                ON CONFLICT (device_sha256, day) DO UPDATE SET reports = intake_devices.reports + 1
                RETURNING reports
                """, logger: self.logger
            ).decode(Int.self) {
                count = reports
            }
            guard count <= perDay else {
                throw Problem(.tooManyRequests, code: "daily_limit", detail: "this device has sent its \(perDay) report(s) for today; try again tomorrow")
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
            guard collisions.isEmpty else { throw Problem.conflict("report_exists", "report \(change.reportID) exists") }
            try await writer.appendFeed(plan, on: connection, logger: self.logger)
            return state
        }
    }

    /// Forgets devices' counts of earlier days (nothing of them is needed after the day is over).
    public func forgetIntakeDevices() async throws {
        _ = try await transaction(as: .all) { connection in
            try await connection.query("DELETE FROM intake_devices WHERE day < CURRENT_DATE", logger: self.logger)
        }
    }
}
