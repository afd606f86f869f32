import Foundation
import GarrisonCore
import GarrisonHTTP
import PostgresNIO

extension HubStore {
    /// Every catalogue version stored, oldest first.
    public func catalogues() async throws -> [CategoryCatalogue] {
        try await transaction(as: .all) { connection in
            let rows = try await connection.query(
                "SELECT version, definition::text FROM categories ORDER BY version, category_id", logger: self.logger)
            var byVersion: [Int: [Category]] = [:]
            let decoder = JSONDecoder()
            for try await (version, definition) in rows.decode((Int, String).self) {
                byVersion[version, default: []].append(try decoder.decode(Category.self, from: Data(definition.utf8)))
            }
            return try byVersion.keys.sorted().map { try CategoryCatalogue(version: $0, categories: byVersion[$0] ?? []) }
        }
    }

    /// Reads the stored catalogues into the planner (at start-up and after a publication).
    @discardableResult
    public func loadCatalogues() async throws -> [CategoryCatalogue] {
        let catalogues = try await catalogues()
        adopt(catalogues)
        return catalogues
    }

    /// Stores a new catalogue version: the next number, and every category of the previous version still there
    /// (numbers are stable; a category leaves by being retired). Refusals are problems naming the rule.
    public func publish(_ catalogue: CategoryCatalogue) async throws {
        let latest = try await catalogues().last
        guard catalogue.version == (latest?.version ?? 0) + 1 else {
            throw Problem.conflict(
                .catalogueVersion, "the next catalogue version is \((latest?.version ?? 0) + 1), not \(catalogue.version)")
        }
        if let latest, let missing = latest.categories.first(where: { catalogue.category($0.id) == nil }) {
            throw Problem(.unprocessableContent, code: .categoryRemoved,
                detail: "category \(missing.id) (\(missing.name)) is missing: retire it (\"active\": false) instead, reports keep it")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let definitions = try catalogue.categories.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await transaction(as: .all) { connection in
            _ = try await connection.query(
                """
                INSERT INTO categories (version, category_id, definition)
                SELECT \(catalogue.version), c.id, c.definition::jsonb
                FROM UNNEST(\(catalogue.categories.map(\.id))::int[], \(definitions)::text[]) AS c(id, definition)
                """, logger: self.logger)
        }
        try await loadCatalogues()
    }
}
