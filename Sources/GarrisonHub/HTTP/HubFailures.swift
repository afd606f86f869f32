import GarrisonHTTP
import Hummingbird
import Logging
import PostgresNIO

/// How the hub's own failures answer, for every listener's `ProblemMiddleware`: a database that refuses the data
/// itself (SQLSTATE classes 22 and 54) is the request's fault, 422; a call past its deadline 503
/// `database_timeout`; any other database failure an outage, 503 `unavailable`, and only that.
enum HubFailures {
    /// The problem for a failure the hub knows, or nil (the middleware answers 500 and logs it).
    @Sendable static func translate(_ error: any Error, logger: Logger) -> Problem? {
        if let deadline = error as? DatabaseDeadline {
            logger.warning("a database call was abandoned at its deadline", metadata: ["deadline": "\(deadline.deadline)"])
            return .databaseTimeout
        }
        guard let error = error as? PSQLError else { return nil }
        let metadata: Logger.Metadata = [
            "sqlstate": "\(error.serverInfo?[.sqlState] ?? "")", "message": "\(error.serverInfo?[.message] ?? "")",
        ]
        if HubStore.isRefusalOfData(error) {
            logger.warning("the database refused a request's data", metadata: metadata)
            return Problem(
                .unprocessableContent, code: .refusedByDatabase,
                detail: "the database refused a value of this request (SQLSTATE \(error.serverInfo?[.sqlState] ?? "-"))")
        }
        if HubStore.isDeadline(error) {
            logger.warning("a database call ran past its deadline", metadata: metadata)
            return .databaseTimeout
        }
        logger.error("database failure", metadata: ["error": "\(String(reflecting: error))"])
        return .unavailable
    }

    /// The middleware every hub listener puts first.
    static func middleware<Context: RequestContext>(_ context: Context.Type = Context.self) -> ProblemMiddleware<Context> {
        ProblemMiddleware(service: "hub", translate: { error, logger in translate(error, logger: logger) })
    }
}
