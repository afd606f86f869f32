import GarrisonCore

extension Simulation {
    /// One round of both sync lanes for every node, over a transport that loses requests and answers.
    mutating func syncAll(lossRate: Double) {
        for code in nodes.keys.sorted() {
            var node = nodes[code]!
            sync(&node, lossRate: lossRate)
            nodes[code] = node
        }
        var nationalNode = national
        sync(&nationalNode, lossRate: lossRate)
        national = nationalNode
    }

    private mutating func sync(_ node: inout SimulatedNode, lossRate: Double) {
        if case .send(let from, let limit, let rebase) = node.machine.nextPush(nowMillis: nowMillis) {
            let request = PushRequest(changes: node.batch(fromSeq: from, limit: limit), rebase: rebase)
            if !node.online || chance(lossRate) {
                events.lostMessages += 1
                node.machine.pushFailed(.transient(node.online ? "request lost" : "hub unreachable"), nowMillis: nowMillis)
            } else {
                let ack = hub.push(request, from: node.principal, nowMillis: nowMillis)
                if chance(lossRate) {
                    // The hub committed but the answer is lost: the node replays, the hub must not apply twice.
                    events.lostMessages += 1
                    node.machine.pushFailed(.transient("answer lost"), nowMillis: nowMillis)
                } else {
                    let effects = node.machine.pushSucceeded(ack, nowMillis: nowMillis)
                    node.perform(effects, nowMillis: nowMillis)
                }
            }
        }
        guard node.lanes.isEmpty else {
            for garrison in node.lanes.keys.sorted() { pull(&node, lane: garrison, lossRate: lossRate) }
            return
        }
        if case .fetch(let cursor, let limit, _) = node.machine.nextPull(nowMillis: nowMillis) {
            if !node.online || chance(lossRate) {
                events.lostMessages += 1
                node.machine.pullFailed(.transient(node.online ? "answer lost" : "hub unreachable"), nowMillis: nowMillis)
            } else {
                let page = hub.pull(cursor: cursor, limit: limit, for: node.principal, nowMillis: nowMillis)
                let effects = node.machine.pullSucceeded(page, nowMillis: nowMillis)
                node.perform(effects, nowMillis: nowMillis)
            }
        }
    }

    /// One pull of the national node's lane for `garrison`: that garrison's feed, its own cursor and backoff.
    private mutating func pull(_ node: inout SimulatedNode, lane garrison: GarrisonCode, lossRate: Double) {
        var machine = node.lanes[garrison]!.machine
        guard case .fetch(let cursor, let limit, _) = machine.nextPull(nowMillis: nowMillis) else {
            node.setLane(garrison, machine)
            return
        }
        if !node.online || chance(lossRate) {
            events.lostMessages += 1
            machine.pullFailed(.transient(node.online ? "answer lost" : "hub unreachable"), nowMillis: nowMillis)
            node.setLane(garrison, machine)
            return
        }
        let page = hub.pull(cursor: cursor, limit: limit, for: node.principal, garrison: garrison, nowMillis: nowMillis)
        let effects = machine.pullSucceeded(page, nowMillis: nowMillis)
        node.setLane(garrison, machine)
        node.perform(effects, lane: garrison, nowMillis: nowMillis)
    }
}
