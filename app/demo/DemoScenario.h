#pragma once

#include <optional>
#include <QList>
#include <QString>

/// The behaviours the demo server can play. Each one shows one finding (or none, for Good).
enum class DemoScenario
{
    Good,
    NoStartTls,
    StartTlsRejected,
    ResponseInjection,
    CommandInjection,
    ExpiredCert,
    WrongHost,
    SelfSigned,
    SlowBanner,
    /// Every reply, the greeting included, comes only after 3 s (a tarpitting MX): the run
    /// deadline's case.
    Tarpit,
    AuthFails,
    DropsInHandshake,
    /// IMAP only: the greeting is PREAUTH (RFC 9051 s.7.1.4), so STARTTLS can no longer happen.
    /// SMTP and POP3 play Good.
    Preauth,
    /// Every port speaks implicit TLS, also those a client checks with STARTTLS: a STARTTLS run
    /// gets no greeting (implicit-tls-expected), the same port with implicit TLS is good.
    ExpectsImplicitTls,
    /// Each port speaks the next protocol: SMTP's port IMAP, IMAP's POP3, POP3's SMTP
    /// (wrong-protocol); the same port checked as that protocol is good.
    SwappedProtocols,
    /// SMTP only: a test message to a recipient outside the demo's own domain (localhost) is
    /// refused at RCPT with "Relay access denied"; the others play Good.
    RelayDenied,
    /// A server of the 2000s for the TLS audit: SSLv2, SSLv3, RC4, 3DES, export, NULL and
    /// anonymous suites and a 1024-bit DH group, answered by LegacyTlsResponder to the audit's raw
    /// hellos; a hello offering TLS 1.3 (the main connection) gets a real handshake.
    LegacyTls,
};

/// Names and descriptions of the demo scenarios. The names are stable (CLI, profiles, tests).
namespace DemoScenarios {
QList<DemoScenario> all();
/// The stable name, e.g. "response-injection".
QString name(DemoScenario scenario);
std::optional<DemoScenario> fromName(const QString& name);
/// One translated sentence: what the scenario shows.
QString description(DemoScenario scenario);
} // namespace DemoScenarios
