import Foundation
import GarrisonCore
import GarrisonSimulation

/// The work at one garrison: new reports at a steady rate (DOMAIN.md's category mix, places in the garrison's
/// counties) from the three pillars (police systems and direct contacts through the node's real local API,
/// citizens through the hub's public intake, reaching the node by its pull), and the verification that follows each
/// one: the card opened (Nowe → Weryfikacja), a verdict (Potwierdzone / Niepotwierdzone / Żart lub pomyłka), and
/// for confirmed threats elimination or a handover outside the Police, with a note now and then.
struct DemoLoad: Sendable {
    let garrison: GarrisonCode
    let node: DemoNode
    let places: DemoPlaces
    let ledger: DemoLedger
    /// The hub's citizens' intake.
    let intake: UnitsAPI
    /// New reports per second at this garrison.
    let rate: Double

    private struct Step {
        let due: ContinuousClock.Instant
        let id: String
        let token: String
        let action: Action
    }

    private enum Action {
        case card, verdict, close, note
        /// A citizen's report is verified once the node has pulled it: tried again a few times until then.
        case awaitCitizen(attempt: Int)
    }

    private static let descriptions: [Int: String] = [
        9: "Samochody parkują na chodniku i trawniku przy szkole",
        16: "Kierowcy przekraczają prędkość na prostym odcinku przy przejściu",
        17: "Grupa osób spożywa alkohol na placu zabaw wieczorami",
        2: "Dzikie wysypisko śmieci na skraju lasu",
        12: "Brak oświetlenia i chodnika na drodze do przystanku",
    ]

    /// The citizens' phones of this garrison: each gets a device credential from the intake when first used
    /// (`POST /v1/public/devices`) and sends its reports with it. The demo's hub lets a device and an address
    /// (all of them come from 127.0.0.1) send more than production's one report a day.
    static let citizensDevices = 8

    /// Runs until `until`; the node keeps answering whether or not its line to the hub is up.
    func run(until end: ContinuousClock.Instant) async {
        var random = SystemRandomNumberGenerator()
        var devices: [String] = []
        var steps: [Step] = []
        let interval = Duration.seconds(1 / rate)
        var nextCreate = ContinuousClock.now
        while ContinuousClock.now < end, !Task.isCancelled {
            let now = ContinuousClock.now
            if now >= nextCreate {
                nextCreate += interval
                if let step = await create(devices: &devices, using: &random) { steps.append(step) }
            }
            while let index = steps.firstIndex(where: { $0.due <= ContinuousClock.now }), !Task.isCancelled {
                let step = steps.remove(at: index)
                if let next = await perform(step, using: &random) { steps.append(next) }
            }
            let wake = min(nextCreate, steps.map(\.due).min() ?? nextCreate, end)
            if wake > ContinuousClock.now { try? await Task.sleep(until: wake) }
        }
    }

    /// A citizen's device credential: a new phone while there are fewer than `citizensDevices`, else one of them.
    private func citizenCredential(_ devices: inout [String], using random: inout SystemRandomNumberGenerator) async -> String? {
        if devices.count < Self.citizensDevices {
            guard let answer = try? await intake.send(.POST, "/v1/public/devices", authorization: nil), answer.status == 201,
                let token = answer.object["token"] as? String
            else { return devices.randomElement(using: &random) }
            devices.append(token)
            return token
        }
        return devices.randomElement(using: &random)
    }

    private func create(devices: inout [String], using random: inout SystemRandomNumberGenerator) async -> Step? {
        let place = places.draw(garrison, using: &random)
        let unit = LocalUnit(county: place.county).id
        guard let token = node.officers[unit] else { return nil }
        let category = CategoryMix.draw(using: &random)
        // Pillar 3: about a fifth of the reports come from citizens' phones through the hub's public intake.
        if Double.random(in: 0..<1, using: &random) < 0.2 {
            var body: [String: any Sendable] = [
                "category": category, "description": Self.descriptions[category] ?? "Zgłoszenie mieszkańca w kategorii \(category)",
                "county": place.county.rawValue,
            ]
            if let location = place.location { body["location"] = ["lat": location.latitude, "lon": location.longitude] }
            guard let credential = await citizenCredential(&devices, using: &random),
                let answer = try? await intake.send(.POST, "/v1/public/reports", authorization: "Device \(credential)", json: body),
                answer.status == 201, let id = answer.object["id"] as? String
            else {
                ledger.refused("citizen's report")
                return nil
            }
            ledger.made(id, in: garrison)
            return Step(due: .now + .milliseconds(Int.random(in: 2_000...5_000, using: &random)), id: id, token: token, action: .awaitCitizen(attempt: 1))
        }
        var body: [String: any Sendable] = [
            "county": place.county.rawValue, "category": category,
            "description": Self.descriptions[category] ?? "Zgłoszenie zagrożenia w kategorii \(category)",
            // Pillar 1 (police IT systems) and pillar 2 (direct contacts, debates); pillar 3 comes through the
            // citizens' platform, not a unit's API.
            "pillar": Double.random(in: 0..<1, using: &random) < 0.4 ? "police_systems" : "direct_contact",
            "time_of_day": TimeOfDay.allCases.randomElement(using: &random)!.rawValue,
        ]
        if let location = place.location { body["location"] = ["lat": location.latitude, "lon": location.longitude] }
        guard let answer = await call("/v1/reports", token: token, body), answer.status == 201,
            let id = answer.object["id"] as? String
        else { return nil }
        ledger.made(id, in: garrison)
        // Most reports are read and verified within the run; some stay "Nowe" (the 2-day deadline is far off).
        guard Double.random(in: 0..<1, using: &random) < 0.85 else { return nil }
        return Step(due: .now + .milliseconds(Int.random(in: 1_000...5_000, using: &random)), id: id, token: token, action: .card)
    }

    private func perform(_ step: Step, using random: inout SystemRandomNumberGenerator) async -> Step? {
        let later = { (action: Action, random: inout SystemRandomNumberGenerator) in
            Step(due: .now + .milliseconds(Int.random(in: 1_000...6_000, using: &random)), id: step.id, token: step.token, action: action)
        }
        let path = "/v1/reports/\(step.id)"
        switch step.action {
        case .awaitCitizen(let attempt):
            guard let answer = try? await node.api.send(.GET, path, token: step.token), answer.status == 200 else {
                return attempt < 5 ? later(.awaitCitizen(attempt: attempt + 1), &random) : nil
            }
            return later(.card, &random)
        case .card:
            guard await succeeded(path + "/card", step.token, ["findings": "Patrol skierowany na miejsce"], "card") else { return nil }
            return later(.verdict, &random)
        case .verdict:
            let draw = Double.random(in: 0..<1, using: &random)
            let verdict = draw < 0.6 ? ReportStatus.potwierdzone : draw < 0.9 ? .niepotwierdzone : .zartLubPomylka
            guard await succeeded(path + "/status", step.token, ["status": verdict.rawValue], "status") else { return nil }
            if verdict == .potwierdzone { return later(.close, &random) }
            return Double.random(in: 0..<1, using: &random) < 0.2 ? later(.note, &random) : nil
        case .close:
            if Double.random(in: 0..<1, using: &random) < 0.25 {
                _ = await succeeded(path + "/handover", step.token, ["to": "Straż Miejska"], "handover")
            } else {
                _ = await succeeded(path + "/status", step.token, ["status": ReportStatus.wyeliminowane.rawValue], "status")
            }
            return nil
        case .note:
            _ = await succeeded(path + "/notes", step.token, ["text": "Ponowny patrol bez uwag"], "note")
            return nil
        }
    }

    private func succeeded(_ path: String, _ token: String, _ body: [String: any Sendable], _ what: String) async -> Bool {
        guard let answer = await call(path, token: token, body) else { return false }
        guard (200..<300).contains(answer.status) else {
            ledger.refused("\(what) \(answer.status)")
            return false
        }
        ledger.acted()
        return true
    }

    private func call(_ path: String, token: String, _ body: [String: any Sendable]) async -> UnitsAPI.Answer? {
        do {
            return try await node.api.post(path, token: token, body)
        } catch {
            ledger.unreachable()
            return nil
        }
    }
}
