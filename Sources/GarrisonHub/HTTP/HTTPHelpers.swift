import GarrisonHTTP
import Hummingbird
import PostgresNIO

/// Runs a handler and turns every failure into problem+json: `Problem`s as they are, a database failure into
/// 503, anything else into a logged 500 that tells the caller nothing internal.
func answering(_ context: HubRequestContext, _ body: () async throws -> Response) async throws -> Response {
    do {
        return try await body()
    } catch let problem as Problem {
        throw problem
    } catch let error as PSQLError {
        context.logger.error("database failure", metadata: ["error": "\(String(reflecting: error))"])
        throw Problem.unavailable
    } catch {
        context.logger.error("internal failure", metadata: ["error": "\(String(reflecting: error))"])
        throw Problem(.internalServerError, code: "internal_error", detail: "the hub failed to answer; see its log")
    }
}
