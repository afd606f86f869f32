/// The TERYT register of counties: which 4-digit codes name a real county (DESIGN §2). `CountyCode` checks the
/// form of a code; the register says whether the county exists, so "2099" or "2050" never reach a store.
public struct CountyRegister: Sendable {
    private let names: [CountyCode: String]

    /// A register of the given counties (tests may build a smaller one).
    public init(_ names: [CountyCode: String]) { self.names = names }

    /// The 380 counties of the register, from the bundled seed data.
    public static let standard = CountyRegister(
        Dictionary(uniqueKeysWithValues: seed.map { (CountyCode($0.key), $0.value) }))

    /// Whether the county exists.
    public func contains(_ county: CountyCode) -> Bool { names[county] != nil }

    /// The county's name in the register (`"białostocki"`), if it exists.
    public func name(_ county: CountyCode) -> String? { names[county] }

    /// Every county, ordered by code.
    public var counties: [CountyCode] { names.keys.sorted() }

    /// Parses a code and checks that the county exists, with a precise error naming `field`.
    public func county(_ text: String, field: String = "county") throws(ValidationError) -> CountyCode {
        let code: CountyCode
        do {
            code = try CountyCode(validating: text)
        } catch {
            throw ValidationError(code: error.code, message: error.message, field: field)
        }
        guard contains(code) else {
            throw ValidationError(
                code: .unknownCounty, message: "county \(code) is not in the TERYT register of counties", field: field)
        }
        return code
    }
}
