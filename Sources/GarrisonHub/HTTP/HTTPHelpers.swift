import GarrisonHTTP
import Hummingbird
import PostgresNIO

/// Runs a hub handler: every failure answers problem+json. A database that refuses the data itself (SQLSTATE
/// classes 22 and 54) is the request's fault, 422; any other database failure is an outage, 503 — and only that.
func answering<Context: RequestContext>(_ context: Context, _ body: () async throws -> Response) async throws -> Response {
    try await Problem.answering(context, service: "hub", translate: { error in
        if let deadline = error as? DatabaseDeadline {
            context.logger.warning("a database call was cancelled at its deadline", metadata: ["deadline": "\(deadline.deadline)"])
            return .databaseTimeout
        }
        guard let error = error as? PSQLError else { return nil }
        if HubStore.isRefusalOfData(error) {
            context.logger.warning("the database refused a request's data", metadata: [
                "sqlstate": "\(error.serverInfo?[.sqlState] ?? "")", "message": "\(error.serverInfo?[.message] ?? "")",
            ])
            return Problem(
                .unprocessableContent, code: "refused_by_database",
                detail: "the database refused a value of this request (SQLSTATE \(error.serverInfo?[.sqlState] ?? "-"))")
        }
        if HubStore.isDeadline(error) {
            context.logger.warning("a database call ran past its deadline", metadata: [
                "sqlstate": "\(error.serverInfo?[.sqlState] ?? "")", "message": "\(error.serverInfo?[.message] ?? "")",
            ])
            return .databaseTimeout
        }
        context.logger.error("database failure", metadata: ["error": "\(String(reflecting: error))"])
        return .unavailable
    }, body)
}
