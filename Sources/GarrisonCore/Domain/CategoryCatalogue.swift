import Foundation

/// A version of the national category catalogue. The national HQ publishes new versions; reports keep the
/// version they were made under.
public struct CategoryCatalogue: Codable, Hashable, Sendable {
    /// Increases by one with each published version.
    public let version: Int
    /// The categories of this version.
    public let categories: [Category]

    public init(version: Int, categories: [Category]) throws(ValidationError) {
        guard version >= 1 else {
            throw ValidationError(code: "invalid_catalogue", message: "a catalogue version starts at 1 (got \(version))")
        }
        var seen = Set<Int>()
        for category in categories where !seen.insert(category.id).inserted {
            throw ValidationError(code: "invalid_catalogue", message: "category \(category.id) is listed twice")
        }
        self.version = version
        self.categories = categories.sorted { $0.id < $1.id }
    }

    /// The category with this number, active or not.
    public func category(_ id: Int) -> Category? { categories.first { $0.id == id } }

    /// Checks that a new report may use the category.
    public func validateForNewReport(_ id: Int) throws(ValidationError) {
        guard let category = category(id) else {
            throw ValidationError(
                code: "unknown_category",
                message: "category \(id) is not in catalogue version \(version)", field: "category")
        }
        guard category.active else {
            throw ValidationError(
                code: "retired_category",
                message: "category \(id) (\(category.name)) is retired in catalogue version \(version)",
                field: "category")
        }
    }

    /// The 24 categories of DOMAIN.md as catalogue version 1, decoded from the bundled seed data.
    public static let standard: CategoryCatalogue = {
        do {
            return try JSONDecoder().decode(CategoryCatalogue.self, from: Data(seedJSON.utf8))
        } catch {
            preconditionFailure("the bundled category seed data is invalid: \(error)")
        }
    }()

    private enum CodingKeys: String, CodingKey { case version, categories }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            version: container.decode(Int.self, forKey: .version),
            categories: container.decode([Category].self, forKey: .categories))
    }
}
