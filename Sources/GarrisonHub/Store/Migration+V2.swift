extension Migration {
    /// v2: the national role publishes new versions of the category catalogue through the hub (DESIGN §2), so the
    /// application role may add rows to `categories` (never change or delete them: reports keep their version).
    static let v2Catalogue = Migration(
        version: 2, name: "catalogue publishing",
        statements: ["GRANT INSERT ON categories TO {app}"]
    )
}
