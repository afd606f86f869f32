import GarrisonCore

/// DOMAIN.md's category mix: speeding, illegal parking and alcohol in public places make about 70% of reports.
public enum CategoryMix {
    /// Weights by category number (the rest share 30% equally).
    public static let weights: [Int: Double] = {
        var weights: [Int: Double] = [9: 0.30, 16: 0.25, 17: 0.15]
        let others = (1...24).filter { weights[$0] == nil }
        for id in others { weights[id] = 0.30 / Double(others.count) }
        return weights
    }()

    private static let cumulative: [(Int, Double)] = {
        var sum = 0.0
        return weights.sorted { $0.key < $1.key }.map { id, weight in
            sum += weight
            return (id, sum)
        }
    }()

    /// A category drawn from the mix.
    public static func draw(using generator: inout some RandomNumberGenerator) -> Int {
        let x = Double.random(in: 0..<cumulative.last!.1, using: &generator)
        return cumulative.first { x < $0.1 }?.0 ?? 9
    }
}
