import GarrisonCore

/// In tests a code may be written as the string a client sees (`#expect(problem.code == "cross_tenant")`): the
/// wire's spelling is what the tests pin. The sources use the typed constants only.
extension ProblemCode: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
}
