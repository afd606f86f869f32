import Foundation

/// A version of the national category catalogue. The national HQ publishes new versions; reports keep the
/// version they were made under.
public struct CategoryCatalogue: Codable, Hashable, Sendable {
    /// Increases by one with each published version.
    public let version: Int
    /// The categories of this version.
    public let categories: [Category]

    /// The highest catalogue version and category number accepted (a received number is never trusted further).
    public static let maxVersion = 10_000
    public static let maxCategory = 999

    public init(version: Int, categories: [Category]) throws(ValidationError) {
        guard (1...Self.maxVersion).contains(version) else {
            throw ValidationError(
                code: .invalidCatalogue, message: "a catalogue version is 1…\(Self.maxVersion) (got \(version))", field: "version")
        }
        guard categories.count <= Self.maxCategory else {
            throw ValidationError(code: .invalidCatalogue, message: "a catalogue has at most \(Self.maxCategory) categories", field: "categories")
        }
        var seen = Set<Int>()
        for category in categories {
            guard (1...Self.maxCategory).contains(category.id) else {
                throw ValidationError(
                    code: .invalidCatalogue, message: "a category number is 1…\(Self.maxCategory) (got \(category.id))", field: "categories.id")
            }
            try TextRule.name.check(category.name, field: "categories.name")
            guard seen.insert(category.id).inserted else {
                throw ValidationError(code: .invalidCatalogue, message: "category \(category.id) is listed twice", field: "categories")
            }
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
                code: .unknownCategory,
                message: "category \(id) is not in catalogue version \(version)", field: "category")
        }
        guard category.active else {
            throw ValidationError(
                code: .retiredCategory,
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

