import Foundation
import GarrisonCore
import GarrisonHTTP
import GarrisonPKI
import Hummingbird
import X509

/// `POST /v1/enroll` on the enrollment listener (DESIGN §7): a new node without a certificate presents a one-time
/// token and a CSR, and gets its certificate. Every refusal is logged with its reason and counted.
struct EnrollmentRoutes {
    let store: HubStore
    let metrics: HubMetrics
    let authority: CertificateAuthority
    let certificateDays: Int

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/healthz") { _, _ in Response.jsonBytes(Array(#"{"status":"ok"}"#.utf8)) }
        router.addOpenAPI(HubOpenAPI.enrollmentListener)
        router.post("/v1/enroll") { request, context in
            let enrollment = try await request.decodeJSON(EnrollmentRequest.self, limit: 64 << 10)
            do {
                let publicKey: Certificate.PublicKey
                do {
                    publicKey = try SigningRequest.verifiedPublicKey(pem: enrollment.csr)
                } catch let error as PKIError {
                    throw Problem.badRequest(error.code, error.message)
                }
                let answer = try await store.enroll(enrollment, publicKey: publicKey, authority: authority, days: certificateDays)
                context.logger.notice("node enrolled", metadata: [
                    "node": "\(answer.nodeID)", "garrison": "\(answer.garrison ?? "-")", "role": "\(answer.role)",
                    "serial": "\(answer.serial)", "token": "\(Self.tokenID(enrollment.token))",
                ])
                return try Response.json(answer, status: .created)
            } catch let problem as Problem {
                metrics.refused(garrison: enrollment.garrison ?? "national", code: problem.code)
                context.logger.warning("enrollment refused", metadata: [
                    "code": "\(problem.code)", "reason": "\(problem.detail)", "garrison": "\(enrollment.garrison ?? "-")",
                    "token": "\(Self.tokenID(enrollment.token))",
                ])
                throw problem
            }
        }
    }

    /// The token's id only: the secret is never logged.
    private static func tokenID(_ token: String) -> String {
        String(token.split(separator: ".", maxSplits: 1).first ?? "?").prefix(32).description
    }
}
