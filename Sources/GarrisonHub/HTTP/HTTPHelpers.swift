import GarrisonHTTP
import Hummingbird
import PostgresNIO

/// Runs a hub handler: every failure answers problem+json, a database failure as 503.
func answering<Context: RequestContext>(_ context: Context, _ body: () async throws -> Response) async throws -> Response {
    try await Problem.answering(context, service: "hub", translate: { error in
        guard let error = error as? PSQLError else { return nil }
        context.logger.error("database failure", metadata: ["error": "\(String(reflecting: error))"])
        return .unavailable
    }, body)
}
