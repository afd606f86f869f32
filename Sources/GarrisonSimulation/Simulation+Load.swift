import GarrisonCore

extension Simulation {
    /// One tick of realistic work: new reports from the three pillars, verification moving statuses along,
    /// notes, citizens' confirmations, and the national HQ's duplicate links, reclassifications and moves.
    mutating func generateLoad(cutOff: GarrisonCode?, phase: Double) {
        let tickSeconds = Double(Self.tickMillis) / 1_000
        var expected = config.reportsPerSecond * tickSeconds
        while expected > 0 {
            if chance(min(1, expected)) { makeReport() }
            expected -= 1
        }
        for _ in 0..<Int((config.reportsPerSecond * tickSeconds * 1.5).rounded(.up)) where chance(0.7) {
            verifySomething()
        }
        if chance(0.3 * tickSeconds) { nationalAction(phase: phase) }
        if config.citizenShare > 0, chance(0.5 * tickSeconds) { confirmSomething() }
        if let cutOff, events.conflictingEdits == 0 { conflictingEdit(in: cutOff) }
    }

    /// A report from pillar 1 or 2 at a garrison node, or from pillar 3 through the hub's intake.
    mutating func makeReport() {
        guard let garrison = pick(config.garrisons), let county = pick(config.counties[garrison] ?? []) else { return }
        let id = UUIDv7.make(millis: nowMillis, using: &random)
        let category = CategoryMix.draw(using: &random)
        let pillar: Pillar = chance(config.citizenShare) ? .citizensOnline : (chance(0.5) ? .policeSystems : .directContact)
        let report = ReportWriter.NewReport(
            id: id, garrison: garrison, county: county, category: category,
            description: "Zgłoszenie \(madeFor.count + 1): kategoria \(category), powiat \(county)", pillar: pillar,
            timeOfDay: pick(TimeOfDay.allCases), daysOfWeek: [Int.random(in: 1...7, using: &random)])
        if pillar == .citizensOnline {
            let change = intakeWriter.create(report, nowMillis: nowMillis)
            if hub.intake(change, nowMillis: nowMillis) == nil { madeFor[id] = garrison }
        } else {
            let change = nodes[garrison]!.writer.create(report, nowMillis: clock(of: garrison))
            nodes[garrison]!.commit(change, nowMillis: clock(of: garrison))
            madeFor[id] = garrison
        }
    }

    /// A unit advances one of its garrison's open reports by one step, opening the card or closing it.
    mutating func verifySomething() {
        guard let garrison = pick(config.garrisons), var node = nodes[garrison] else { return }
        let open = node.ownReports.filter { ($0.status?.status.next.isEmpty == false) && !$0.isDeleted }
        guard let state = pick(open.sorted { $0.reportID < $1.reportID }), let current = state.status?.status else { return }
        let target = pick(current.next.sorted { $0.rawValue < $1.rawValue })!
        let now = clock(of: garrison)
        guard var change = try? node.writer.moveStatus(of: state, to: target, nowMillis: now) else { return }
        if target == .weryfikacja {
            let card = VerificationCard(openedAtMillis: now, openedBy: "\(LocalUnit(county: CountyCode(state[.county]!.stringValue!)).id)/dyżurny")
            change.fields[.card] = Register(value: card.fieldValue, stamp: change.status!.stamp, base: state.fields[.card]?.stamp)
        } else if target == .przekazane {
            change.fields[.handover] = Register(value: .string("Straż Miejska"), stamp: change.status!.stamp)
        }
        node.commit(change, nowMillis: now)
        if chance(0.2) {
            let note = node.writer.addNote(
                id: UUIDv7.make(millis: now, using: &random), author: "\(garrison)/koordynator",
                text: "Patrol skierowany na miejsce.", to: node.states[state.reportID]!, nowMillis: now)
            node.commit(note, nowMillis: now)
        }
        nodes[garrison] = node
        events.statusMoves += 1
    }

    /// The national HQ links a cross-border duplicate, reclassifies a report, or moves one to another garrison.
    mutating func nationalAction(phase: Double) {
        let known = national.states.values.filter { Report($0) != nil }.sorted { $0.reportID < $1.reportID }
        guard known.count > 4 else { return }
        if config.reassign, events.reassignments == 0, phase > 0.5, let state = pick(known), let from = state.garrison,
            let to = pick(config.garrisons.filter { $0 != from })
        {
            commitNational(national.writer.set([.garrison: .string(to.rawValue)], on: state, nowMillis: nowMillis))
            events.reassignments += 1
            return
        }
        if chance(0.6) {
            // Same category, different garrisons, linked by the national role. Finding pairs by distance and time
            // is the national node's work (issue 5); here the link itself is what travels and must converge.
            guard let first = pick(known), let category = first[.category] else { return }
            let partner = known.first { $0[.category] == category && $0.garrison != first.garrison && $0[.duplicateOf] == nil && $0.reportID != first.reportID }
            guard let partner, first[.duplicateOf] == nil else { return }
            commitNational(national.writer.set([.duplicateOf: .string(first.reportID)], on: partner, nowMillis: nowMillis))
            events.duplicateLinks += 1
        } else if let state = pick(known) {
            commitNational(national.writer.set([.category: .int(Int64(CategoryMix.draw(using: &random)))], on: state, nowMillis: nowMillis))
        }
    }

    mutating func commitNational(_ change: Change) { national.commit(change, nowMillis: nowMillis) }

    /// While a garrison is cut off, its unit and the national HQ reclassify the same report differently.
    mutating func conflictingEdit(in garrison: GarrisonCode) {
        guard var node = nodes[garrison] else { return }
        let shared = node.ownReports.filter { national.states[$0.reportID] != nil }.sorted { $0.reportID < $1.reportID }
        guard let state = shared.first, let nationalState = national.states[state.reportID] else { return }
        let now = clock(of: garrison)
        node.commit(node.writer.set([.category: .int(12)], on: state, nowMillis: now), nowMillis: now)
        nodes[garrison] = node
        commitNational(national.writer.set([.category: .int(23)], on: nationalState, nowMillis: nowMillis + 1))
        events.conflictingEdits += 1
    }

    /// A citizen confirms an existing report instead of filing a duplicate.
    mutating func confirmSomething() {
        guard let id = pick(hub.states.keys.sorted()) else { return }
        var change = Change(reportID: id, garrison: hub.states[id]?.garrison ?? "", origin: "hub-intake", kind: .update)
        change.confirmations = [Confirmation(id: UUIDv7.make(millis: nowMillis, using: &random), atMillis: nowMillis)]
        if hub.intake(change, nowMillis: nowMillis) == nil { events.confirmations += 1 }
    }

    /// Node processes die now and then (kill -9): in-flight requests are lost, the durable store is not.
    mutating func crashSomeNodes() {
        let probability = config.crashRatePerSecond * Double(Self.tickMillis) / 1_000
        for code in nodes.keys.sorted() where chance(probability) { nodes[code]!.crash() }
        if chance(probability) { national.crash() }
    }
}
