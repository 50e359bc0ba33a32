#pragma once

#include "run/Run.h"

#include <QLatin1String>
#include <QStringList>

/**
 * The catalogue of findings: stable ids with a default severity, a translated title, a
 * plain-language explanation (what it means, why it matters, what to do) and a reference.
 * Analysers and the engine create findings only through make(), so the wording lives here once.
 */
class FindingCatalogue final
{
public:
    /// Builds the finding `id` with its catalogue text. `detail` is the specific evidence
    /// (a server reply, a certificate name); `severity` overrides the default where policy decides.
    static Finding make(const QString& id, const QString& detail = {},
                        std::optional<Severity> severity = std::nullopt);
    static bool contains(const QString& id);
    static QStringList ids();
    static Severity defaultSeverity(const QString& id);
};

/// Finding ids as constants, so a typo is a compile error rather than a silent miss.
namespace FindingIds {
inline constexpr QLatin1String StartTlsNotOffered {"starttls-not-offered"};
inline constexpr QLatin1String StartTlsRejected {"starttls-rejected"};
inline constexpr QLatin1String StartTlsResponseInjection {"starttls-response-injection"};
inline constexpr QLatin1String StartTlsCommandInjection {"starttls-command-injection"};
inline constexpr QLatin1String PlaintextAuthOffered {"plaintext-auth-offered"};
inline constexpr QLatin1String ImapPreauthBeforeTls {"imap-preauth-before-tls"};
inline constexpr QLatin1String TlsHandshakeFailed {"tls-handshake-failed"};
inline constexpr QLatin1String TlsLegacyVersionAccepted {"tls-legacy-version-accepted"};
inline constexpr QLatin1String Tls13NotSupported {"tls13-not-supported"};
inline constexpr QLatin1String TlsWeakCipher {"tls-weak-cipher"};
inline constexpr QLatin1String TlsAuditIncomplete {"tls-audit-incomplete"};
inline constexpr QLatin1String CertExpired {"cert-expired"};
inline constexpr QLatin1String CertNotYetValid {"cert-not-yet-valid"};
inline constexpr QLatin1String CertExpiresSoon {"cert-expires-soon"};
inline constexpr QLatin1String CertHostnameMismatch {"cert-hostname-mismatch"};
inline constexpr QLatin1String CertSelfSigned {"cert-self-signed"};
inline constexpr QLatin1String CertUntrustedChain {"cert-untrusted-chain"};
inline constexpr QLatin1String CertWeakKey {"cert-weak-key"};
inline constexpr QLatin1String CertVerificationOverridden {"cert-verification-overridden"};
inline constexpr QLatin1String CertTrustedByProfile {"cert-trusted-by-profile"};
inline constexpr QLatin1String CertSha1Signature {"cert-sha1-signature"};
inline constexpr QLatin1String CertChainIncomplete {"cert-chain-incomplete"};
inline constexpr QLatin1String CertChainOrder {"cert-chain-order"};
inline constexpr QLatin1String OcspRevoked {"ocsp-revoked"};
inline constexpr QLatin1String ConnectionRefused {"connection-refused"};
inline constexpr QLatin1String ConnectionTimeout {"connection-timeout"};
inline constexpr QLatin1String HostNotFound {"host-not-found"};
inline constexpr QLatin1String ServerClosedEarly {"server-closed-early"};
inline constexpr QLatin1String ServerTimeout {"server-timeout"};
inline constexpr QLatin1String ImplicitTlsExpected {"implicit-tls-expected"};
inline constexpr QLatin1String WrongProtocol {"wrong-protocol"};
inline constexpr QLatin1String StartTlsExpected {"starttls-expected"};
inline constexpr QLatin1String ReplyMalformed {"reply-malformed"};
inline constexpr QLatin1String ReplyTooLong {"reply-too-long"};
inline constexpr QLatin1String ReplyOutOfSequence {"reply-out-of-sequence"};
inline constexpr QLatin1String GreetingRejected {"greeting-rejected"};
inline constexpr QLatin1String ServiceUnavailable {"service-unavailable"};
inline constexpr QLatin1String PlaintextSession {"plaintext-session"};
inline constexpr QLatin1String AuthFailed {"auth-failed"};
inline constexpr QLatin1String CredentialsSentInPlaintext {"credentials-sent-in-plaintext"};
inline constexpr QLatin1String ImapPlaintextAlert {"imap-plaintext-alert"};
inline constexpr QLatin1String MailRejected {"mail-rejected"};
inline constexpr QLatin1String MessageInvalid {"message-invalid"};
inline constexpr QLatin1String SmtpUtf8NotOffered {"smtputf8-not-offered"};
inline constexpr QLatin1String MessageTooLarge {"message-too-large"};
inline constexpr QLatin1String RequireTlsNotOffered {"requiretls-not-offered"};
inline constexpr QLatin1String SenderRefused {"sender-refused"};
inline constexpr QLatin1String RecipientRefused {"recipient-refused"};
inline constexpr QLatin1String RecipientRelayDenied {"recipient-relay-denied"};
inline constexpr QLatin1String RecipientUnknown {"recipient-unknown"};
inline constexpr QLatin1String RecipientGreylisted {"recipient-greylisted"};
inline constexpr QLatin1String RecipientTooMany {"recipient-too-many"};
inline constexpr QLatin1String RecipientDeferred {"recipient-deferred"};
inline constexpr QLatin1String MessageRefused {"message-refused"};
inline constexpr QLatin1String DeliveryUnknown {"delivery-unknown"};
inline constexpr QLatin1String RunCancelled {"run-cancelled"};
inline constexpr QLatin1String RunDeadlineReached {"run-deadline-reached"};
// The domain check (app/domain), in RFC 8460 result-type words where one exists.
inline constexpr QLatin1String DomainNotFound {"domain-not-found"};
inline constexpr QLatin1String DnsLookupFailed {"dns-lookup-failed"};
inline constexpr QLatin1String DnssecInvalid {"dnssec-invalid"};
inline constexpr QLatin1String NullMx {"null-mx"};
inline constexpr QLatin1String MxMissing {"mx-missing"};
inline constexpr QLatin1String MxIsCname {"mx-is-cname"};
inline constexpr QLatin1String MxIsAddress {"mx-is-address"};
inline constexpr QLatin1String MxHostNotFound {"mx-host-not-found"};
inline constexpr QLatin1String MxUnreachable {"mx-unreachable"};
inline constexpr QLatin1String StartTlsNotSupported {"starttls-not-supported"};
inline constexpr QLatin1String CertificateHostMismatch {"certificate-host-mismatch"};
inline constexpr QLatin1String CertificateExpired {"certificate-expired"};
inline constexpr QLatin1String CertificateNotTrusted {"certificate-not-trusted"};
inline constexpr QLatin1String TlsaInvalid {"tlsa-invalid"};
inline constexpr QLatin1String TlsaUnusable {"tlsa-unusable"};
inline constexpr QLatin1String TlsaInsecure {"tlsa-insecure"};
inline constexpr QLatin1String StsRecordInvalid {"sts-record-invalid"};
inline constexpr QLatin1String StsPolicyFetchError {"sts-policy-fetch-error"};
inline constexpr QLatin1String StsPolicyInvalid {"sts-policy-invalid"};
inline constexpr QLatin1String StsWebpkiInvalid {"sts-webpki-invalid"};
inline constexpr QLatin1String StsMxMismatch {"sts-mx-mismatch"};
inline constexpr QLatin1String TlsRptInvalid {"tlsrpt-invalid"};
inline constexpr QLatin1String TlsRptMissing {"tlsrpt-missing"};
inline constexpr QLatin1String MailUnprotected {"mail-unprotected"};
} // namespace FindingIds
