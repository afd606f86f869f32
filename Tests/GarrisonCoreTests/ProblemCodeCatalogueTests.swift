import Foundation
import GarrisonCore
import Testing

/// Problem codes are typed constants, each spelled once (issue 13): the sources never mint one from a string
/// literal, and the catalogue names every code once, in the wire's spelling.
struct ProblemCodeCatalogueTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    static func swiftFiles() throws -> [URL] {
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    @Test("the catalogue spells each code once, in snake_case, under a constant of the same name in camelCase")
    func catalogueIsConsistent() throws {
        let text = try String(
            contentsOf: Self.sources.appendingPathComponent("GarrisonCore/Domain/ProblemCode+Catalogue.swift"), encoding: .utf8)
        let line = try Regex(#"public static let ([A-Za-z0-9]+) = ProblemCode\(rawValue: "([a-z0-9_]+)"\)"#)
        var seen: [String: String] = [:]
        for match in text.matches(of: line) {
            let name = String(match.output[1].substring ?? ""), raw = String(match.output[2].substring ?? "")
            let camel = raw.split(separator: "_").enumerated()
                .map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
            #expect(name == camel, "\(name) spells \(raw)")
            #expect(seen[raw] == nil, "\(raw) is defined twice: \(seen[raw] ?? "") and \(name)")
            seen[raw] = name
        }
        #expect(seen.count > 100, "the catalogue holds \(seen.count) codes")
        #expect(seen["cross_tenant"] == "crossTenant" && seen["wrong_role"] == "wrongRole")
    }

    @Test("no source mints a problem code from a string literal: every refusal names a catalogue constant")
    func noLiteralCodes() throws {
        // The type already refuses a literal where a `ProblemCode` is expected (it is not ExpressibleByStringLiteral
        // outside the tests); this catches the ways around it: `code: "…"` into a String parameter,
        // `Problem.forbidden("…"`, and `ProblemCode(rawValue: "…")` outside the catalogue.
        let literal = try Regex(#"code:\s*"[a-z]|Problem\.[a-zA-Z]+\(\s*"[a-z_]+"\s*,|ProblemCode\(rawValue:\s*"[a-z]"#)
        var offenders: [String] = []
        for file in try Self.swiftFiles() where !file.lastPathComponent.hasPrefix("OpenAPI") && file.lastPathComponent != "ProblemCode+Catalogue.swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: literal) {
                let line = text[..<match.range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
                offenders.append("\(file.lastPathComponent):\(line): \(text[match.range])")
            }
        }
        #expect(offenders.isEmpty, "string-literal problem codes: \(offenders)")
    }
}
